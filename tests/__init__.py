"""hingecam tests; a package so `from tests.factories import ...` works."""
