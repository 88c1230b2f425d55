"""Jobs: a batch of items (products to push, SKUs to re-price) with one result per item.

Product push and price/stock pushes run as jobs: the admin route creates the job and its items, workers
record each item's outcome, and the job knows when it is done ("N succeeded, M failed", the guide's
notification and "View Details"). A failed item can be retried alone or with all of the job's failures.
"""
