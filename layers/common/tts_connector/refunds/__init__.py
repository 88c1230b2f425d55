"""Refunds: completed TikTok returns, refunds and cancellations into Magento credit memos, exactly once and to the
cent; the buyer requests a merchant answers from Magento's side; reconciliation of refunds whose webhook was lost.

Every trigger (webhooks 2/11/12, the reconciliation schedule, `ttsc refunds retry`) is a hint about one return or
cancellation: the worker re-reads it from TikTok, finds the order through order import's record
(`order_import.store.OrderRecords`) and converges the connector's refund record (`records.RefundRecord`).
"""
