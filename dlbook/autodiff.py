"""A scalar automatic differentiation engine: values that remember how they were made.

Every arithmetic operation on a :class:`Value` makes a new ``Value`` that keeps its
inputs (``children``) and a small function (``_backward``) that applies the chain
rule for that one operation. ``loss.backward()`` then visits the graph in reverse
topological order, so that each node's gradient is complete before it is passed on:
this is reverse-mode automatic differentiation (Linnainmaa 1970), the algorithm
that neural-network people call backpropagation.

    from dlbook.autodiff import Value
    w, x = Value(2.0), Value(-1.0)
    y = (w * x + 1).sigmoid()
    y.backward()
    w.grad   # dy/dw = sigmoid'(w x + 1) * x

Each derivative sits within a few lines of its forward computation. One number at a
time is slow; it is here to be read and checked. The layers (``dlbook.layers``) do
the same on whole matrices. Built in chapter 02, after Karpathy's micrograd (2020).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

__all__ = ["Value", "topological_order"]

Number = int | float


class Value:
    """One scalar of a computational graph, with its gradient.

    Parameters
    ----------
    data : int or float
        The value.
    children : iterable of Value
        The values this one was computed from (empty for an input or a weight).
    op : str
        The operation that made it (``"+"``, ``"*"``, ``"tanh"`` ...), for display.
    label : str
        An optional name (``"w1"``), for display.

    Attributes
    ----------
    grad : float
        dC/d(this value) after ``C.backward()``; gradients accumulate (``+=``), so a
        value used twice receives both contributions.
    """

    data: float
    grad: float
    children: tuple[Value, ...]
    op: str
    label: str

    def __init__(
        self, data: Number, children: Iterable[Value] = (), op: str = "", label: str = ""
    ) -> None:
        if not isinstance(data, numbers.Real):
            raise TypeError(f"Value: data must be a real number; got {type(data).__name__}.")
        self.data = float(data)
        self.grad = 0.0
        self.children = tuple(children)
        self.op = op
        self.label = label
        self._backward: Callable[[], None] = lambda: None  # the chain rule for this node

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # --- arithmetic: forward value, then the local derivative --------------------------

    def __add__(self, other: Value | Number) -> Value:
        other = _as_value(other, "+")
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:  # d(a+b)/da = d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | Number) -> Value:
        other = _as_value(other, "*")
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: Number) -> Value:
        if not isinstance(k, numbers.Real):
            raise TypeError(
                "Value ** k: the exponent k must be a Python number (write a ** b with a "
                f"Value b as (b * a.log()).exp()); got {type(k).__name__}."
            )
        out = Value(self.data**k, (self,), f"**{k:g}")

        def _backward() -> None:  # d(a^k)/da = k a^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:  # d(e^a)/da = e^a
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"Value.log: needs a positive value; got {self.data:.6g}.")
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:  # d(log a)/da = 1/a
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:  # d(tanh a)/da = 1 - tanh(a)^2
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        # sigmoid(a) = 1/(1 + e^-a) = 0.5 (1 + tanh(a/2)), which never overflows
        out = Value(0.5 * (1.0 + math.tanh(0.5 * self.data)), (self,), "sigmoid")

        def _backward() -> None:  # d(sigmoid a)/da = sigmoid(a) (1 - sigmoid(a))
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward() -> None:  # d(relu a)/da = 1 if a > 0 else 0
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    # --- the rest is built from the operations above ---------------------------------

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Value | Number) -> Value:
        return self + (-_as_value(other, "-"))

    def __truediv__(self, other: Value | Number) -> Value:
        return self * _as_value(other, "/") ** -1

    def __radd__(self, other: Number) -> Value:  # 1 + v
        return self + other

    def __rmul__(self, other: Number) -> Value:  # 2 * v
        return self * other

    def __rsub__(self, other: Number) -> Value:  # 1 - v
        return _as_value(other, "-") - self

    def __rtruediv__(self, other: Number) -> Value:  # 1 / v
        return _as_value(other, "/") / self

    # --- the backward pass --------------------------------------------------------------

    def backward(self) -> None:
        """Fill ``grad`` of every value this one depends on, with d(self)/d(value).

        Sets ``self.grad = 1`` and applies each node's chain rule in reverse
        topological order. Gradients accumulate: to reuse the inputs for another
        backward pass, set their ``grad`` to 0 first (as an optimiser's
        ``zero_grad`` does).
        """
        order = topological_order(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


def topological_order(root: Value) -> list[Value]:
    """All values that ``root`` depends on, each after its children; ``root`` last.

    Iterative depth-first search, so that long chains do not hit Python's recursion
    limit.
    """
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        v, children_done = stack.pop()
        if children_done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((c, False) for c in v.children if id(c) not in seen)
    return order


def _as_value(x: Value | Number, op: str) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real):
        return Value(x)
    raise TypeError(
        f"Value {op} x: x must be a Value or a real number; got {type(x).__name__}. "
        "Lift each entry of an array separately: [Value(float(a)) for a in array]."
    )
