"""TikTok Shop Open API (version 202309) client: signing, auth host calls, typed operations, rate limiting."""
