"""One context builder per artifact: the IR in, the plain data a template reads out."""
