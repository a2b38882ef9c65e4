"""``python -m cnn_core.train``: the command line (:mod:`cnn_core.train.cli`)."""

from cnn_core.train.cli import main

raise SystemExit(main())
