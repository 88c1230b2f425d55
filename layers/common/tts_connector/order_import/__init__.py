"""Order import: TikTok Shop orders into Magento exactly once, fulfilment both ways, cancellations.

Every trigger (a TikTok webhook, a Magento shipment, the reconciliation schedule, `ttsc orders retry`) is a
hint: the order's events go through one FIFO message group, and each run re-reads the order from TikTok and
Magento and converges the connector's own record of it (`records.OrderRecord`) towards what both sides say.
"""
