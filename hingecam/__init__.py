"""hingecam: rep-by-rep form checker for the hip hinge."""

__version__ = "0.1.0"
