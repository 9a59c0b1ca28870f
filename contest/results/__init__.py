"""Results: the pure ranking engine (``ranking``), and later the compile job and publication."""
