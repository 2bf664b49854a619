"""The network: fetching, followed feeds, WordPress, the outbox. Never imports Textual."""
