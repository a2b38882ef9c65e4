"""The light modules import without TensorFlow or Streamlit (the Build page must stay fast)."""

from __future__ import annotations

import pytest

from tests.conftest import run_python_json

LIGHT_MODULES = [
    "cnn_core.spec",
    "cnn_core.fixes",
    "cnn_core.presets",
    "cnn_core.ops",
    "cnn_core.data",
    "cnn_core.images",
    "cnn_core.locales",
]
HEAVY = ("tensorflow", "keras", "streamlit", "jax", "torch")


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_module_imports_without_heavy_frameworks(module):
    loaded = run_python_json(
        f"""
        import json, sys
        import {module}
        if {module!r} == "cnn_core.locales":
            {module}.catalog()  # loads every locale module
        print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
        """
    )
    assert not set(loaded) & set(HEAVY), f"{module} pulled in {sorted(set(loaded) & set(HEAVY))}"


def test_summarizing_every_preset_stays_light():
    loaded = run_python_json(
        """
        import json, sys
        from cnn_core import presets, spec
        for name in presets.PRESET_NAMES:
            for shape in [(32, 32, 3), (28, 28, 1)]:
                s = spec.summarize(presets.get_preset(name, shape))
                s.problems and s.problems[0].message("pt")
                repr(s)
        print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
        """
    )
    assert not set(loaded) & set(HEAVY)


def test_build_model_refuses_an_invalid_spec_before_importing_keras():
    outcome = run_python_json(
        """
        import json, sys
        from cnn_core.model import build_model, to_keras_code
        from cnn_core.spec import ModelSpec, SpecError
        bad = ModelSpec([{"type": "Dense", "units": 10, "activation": "softmax"}])
        caught = []
        for fn in (build_model, to_keras_code):
            try:
                fn(bad)
            except SpecError as err:
                caught.append([p.code for p in err.problems])
        print(json.dumps({"caught": caught, "keras": "keras" in sys.modules,
                          "tf": "tensorflow" in sys.modules}))
        """
    )
    assert outcome["caught"] == [["dense_needs_flat"], ["dense_needs_flat"]]
    assert not outcome["keras"] and not outcome["tf"]
