"""Product push: Magento products (simple and configurable) to TikTok Shop, one product or a whole catalogue.

A push is a job (`jobs/`): the planner reads the selection from Magento in pages of 100 and sends one
message per product (`planner`); workers build each TikTok product, check it (`builder`, preflight), upload
its images once per content (`catalog.images`), create or update it without ever duplicating it
(`pusher`), record the listing (`listings/`) and queue the write-back of the TikTok id to Magento
(`writeback`). Audit results arrive by webhooks 5 and 37 and a periodic check (`audit`).
"""
