"""The admin API (IAM in AWS): one resolver, one Router per capability, one OpenAPI document."""
