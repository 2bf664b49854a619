"""The network layer: WordPress's REST API and the secrets it needs, free of Textual."""
