"""One-click fixes for the common problems of a layer stack (no TensorFlow).

:func:`cnn_core.spec.summarize` explains what is wrong; this module says how to change the stack
so that the problem goes away, as a short list of :class:`Edit` steps (insert, remove, move or
update one layer). A page applies the same steps to its own per-layer bookkeeping (widget ids),
so the learner's other layers keep their widgets; :func:`fix_spec` applies them to a spec.

Fixable problems, and what the fix does:

- ``dense_needs_flat``: insert a ``Flatten`` right before the dense layer.
- ``flatten_flat``: remove the extra ``Flatten``.
- ``needs_image``: move the image layer back before the ``Flatten`` (or global pooling).
- ``pool_does_nothing``: remove the 1x1 pooling layer.
- ``conv_too_small`` / ``pool_too_small``: ``padding="same"`` in that layer (the image then
  shrinks only by the stride, never below one pixel).
- ``last_not_dense``: append ``Flatten`` (if the output is still an image) and
  ``Dense(num_classes, activation="softmax")``.
- ``wrong_units`` / ``no_softmax``: the last dense layer gets one neuron per class and softmax;
  ``Activation`` layers after it (which would undo the softmax) are removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cnn_core.spec import ModelSpec, Problem, summarize

__all__ = ["FIXABLE", "Edit", "apply_edits", "fix_spec", "plan_fix"]

#: Problem codes that :func:`plan_fix` can fix.
FIXABLE = (
    "dense_needs_flat",
    "flatten_flat",
    "needs_image",
    "pool_does_nothing",
    "conv_too_small",
    "pool_too_small",
    "last_not_dense",
    "wrong_units",
    "no_softmax",
)

_FLATTENING = ("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D")


@dataclass(frozen=True)
class Edit:
    """One step of a fix, on the stack as it is after the steps before it.

    Attributes:
        op: ``"insert"`` (``layer`` at ``index``), ``"remove"`` (the layer at ``index``),
            ``"move"`` (the layer at ``index`` to position ``to``) or ``"update"`` (set the
            arguments in ``layer`` on the layer at ``index``).
        index: position in the stack (0-based).
        layer: the new layer (insert) or the arguments to set (update).
        to: the new position (move).
    """

    op: str
    index: int
    layer: dict = field(default_factory=dict)
    to: int = 0


def plan_fix(spec: ModelSpec, problem: Problem) -> list[Edit] | None:
    """The steps that fix ``problem`` in ``spec``, or ``None`` when there is no one-click fix.

    Args:
        spec: the stack the problem was found in.
        problem: one of ``summarize(spec).problems``.

    Returns:
        A list of :class:`Edit`, or ``None`` (unknown code, or a problem not about a layer of
        this stack).
    """
    layers, i = spec.layers, problem.layer_index
    if problem.code not in FIXABLE or i is None or not 0 <= i < len(layers):
        return None
    code = problem.code
    if code == "dense_needs_flat":
        return [Edit("insert", i, {"type": "Flatten"})]
    if code in ("flatten_flat", "pool_does_nothing"):
        return [Edit("remove", i)]
    if code == "needs_image":
        before = [j for j in range(i) if layers[j]["type"] in _FLATTENING]
        return [Edit("move", i, to=before[0])] if before else [Edit("remove", i)]
    if code in ("conv_too_small", "pool_too_small"):
        return [Edit("update", i, {"padding": "same"})]
    if code == "last_not_dense":
        rows = summarize(spec).rows
        shape = rows[i].output_shape if rows else None
        edits = []
        end = len(layers)
        if shape is not None and len(shape) == 3:
            edits.append(Edit("insert", end, {"type": "Flatten"}))
            end += 1
        dense = {"type": "Dense", "units": spec.num_classes, "activation": "softmax"}
        return [*edits, Edit("insert", end, dense)]
    # wrong_units / no_softmax: the head is the last Dense (any Activation layers after it).
    edits = [Edit("remove", j) for j in range(len(layers) - 1, i, -1)]
    return [*edits, Edit("update", i, {"units": spec.num_classes, "activation": "softmax"})]


def apply_edits(layers: list, edits: list[Edit], *, make=None) -> list:
    """Applies ``edits`` to a list that follows the stack (the layers, or per-layer ids).

    Args:
        layers: a list with one item per layer; not changed.
        edits: from :func:`plan_fix`.
        make: ``make(edit) -> item`` for inserted items (default: a copy of ``edit.layer``);
            ``"update"`` steps merge ``edit.layer`` into dict items and leave other items alone.

    Returns:
        A new list with the edits applied.
    """
    items = list(layers)
    for edit in edits:
        if edit.op == "insert":
            items.insert(edit.index, make(edit) if make else dict(edit.layer))
        elif edit.op == "remove":
            del items[edit.index]
        elif edit.op == "move":
            items.insert(edit.to, items.pop(edit.index))
        elif edit.op == "update":
            if isinstance(items[edit.index], dict):
                items[edit.index] = {**items[edit.index], **edit.layer}
        else:
            raise ValueError(f"unknown edit {edit.op!r}")
    return items


def fix_spec(spec: ModelSpec, problem: Problem) -> ModelSpec:
    """Returns ``spec`` with ``problem`` fixed.

    Args:
        spec: the stack.
        problem: one of its problems, with a code in :data:`FIXABLE`.

    Returns:
        The fixed spec (``spec`` itself is not changed).

    Raises:
        ValueError: if the problem has no one-click fix.
    """
    edits = plan_fix(spec, problem)
    if edits is None:
        raise ValueError(f"no one-click fix for {problem.code!r}")
    return spec.replace(layers=apply_edits(spec.layers, edits))
