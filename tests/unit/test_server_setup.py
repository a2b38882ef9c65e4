"""What keeps one server fast and whole when a class opens the app at the same moment."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT, run_python_json


def test_importing_ui_leaves_pandas_whole_before_any_page_draws():
    # Plotly reads pandas from sys.modules without waiting: if one visitor's script thread were
    # still importing it, another's chart failed ("partially initialized module 'pandas'").
    # Every page imports ``ui`` first, so pandas must be complete when that import returns.
    whole = run_python_json(
        """
        import json, sys
        assert "pandas" not in sys.modules, "pandas already loaded before ui"
        import ui
        pandas = sys.modules.get("pandas")
        print(json.dumps(hasattr(pandas, "Series") and hasattr(pandas, "DataFrame")))
        """
    )
    assert whole is True


def test_the_server_watches_no_source_files():
    # Streamlit's watcher walks every imported module for each new session's first run: a
    # quarter of the server's CPU when 30 visitors arrived within 20 s (bench/load.py).
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
