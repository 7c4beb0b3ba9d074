"""Database backends of the platform (see ``postgresql``)."""
