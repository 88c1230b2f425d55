"""Price and stock sync: Magento's prices and salable quantities on TikTok, for every listed product.

Three ways in, one way out. Magento change events (`changes`) mark products; manual pushes (`manual`) start
jobs; reconciliation (`reconcile`) walks every listed SKU. All three become work items on the shop's FIFO group
of the push queue (`work`), where `engine.PriceStockSync` reads Magento now, applies the shop's rules
(`settings`, `rules`) and sends TikTok what differs from what it last accepted (`store`).
"""
