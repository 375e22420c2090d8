"""Console views, one module per area: home, overview (区域概览), manage (区域管理)."""
