"""One module per capability; each has `register(subparsers)`."""
