"""Settings modules: ``base`` (shared), ``dev`` (demo), ``test`` and ``prod``."""
