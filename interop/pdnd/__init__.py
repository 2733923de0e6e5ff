"""PDND consumer side: client assertion → voucher (cached until expiry), ModI headers, response verification."""
