"""household: see models.py."""


def register(appbuilder):
    pass
