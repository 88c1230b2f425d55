"""The connector's shared package (the Lambda layer): domain logic, service clients and data access."""

__version__ = "0.1.0"
