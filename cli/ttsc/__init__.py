"""`ttsc`: the merchant's command line for the connector's admin API."""
