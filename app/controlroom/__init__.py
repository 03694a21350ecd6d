"""Export to the police control room (meldkamer): only holders with explicit consent."""


def register(appbuilder):
    """Views come with the export (issue 7); the models are here so the schema is complete."""
