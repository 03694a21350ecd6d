"""Flask CLI commands: `flask --app run <group> <command>`."""


def register(app):
    pass
