"""Connect: seller authorization, shops and warehouses, token lifecycle, Magento setup."""
