"""The timeline as a picture: a pure row plan (layout), Arabic shaping, and the drawing."""
