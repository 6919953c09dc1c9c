"""The prebuilt cache in ``summaries/``: schema, build, load and check."""
