"""cnn_core: the plain-Python library behind CNN Studio (no Streamlit import anywhere in here).

Every number the app shows comes from this package: layer-stack specs and their shapes, parameter
counts and problems (:mod:`cnn_core.spec`), presets (:mod:`cnn_core.presets`), Keras building and
code export (:mod:`cnn_core.model`), numpy reference operations (:mod:`cnn_core.ops`), datasets
(:mod:`cnn_core.data`) and the bilingual string catalog (:mod:`cnn_core.locales`).

TensorFlow is imported lazily, only by the modules that build or run models.
"""

__version__ = "0.1.0"
