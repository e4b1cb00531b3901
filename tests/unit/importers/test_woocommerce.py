from seller_console.domain.catalog import Availability, ProductStatus
from seller_console.domain.money import Money

from .helpers import load, warning_kinds, write

WOO = (
    '\ufeffID,Type,SKU,Name,Published,"Is featured?","Visibility in catalog",'
    '"Short description",Description,"In stock?",Stock,"Sale price","Regular price",'
    'Categories,Tags,Images,Parent,"Attribute 1 name","Attribute 1 value(s)"\n'
    '10,variable,HOODIE,Hoodie,1,0,visible,Warm,"<p>Warm hoodie</p>",1,,,,'
    '"Clothing > Hoodies, Sale","warm, cosy","https://x.example/h.jpg, '
    'https://x.example/h2.jpg",,Color,"Red, Blue"\n'
    '11,variation,HOODIE-RED,"Hoodie - Red",1,0,visible,,,1,4,40,45,,,'
    "https://x.example/hr.jpg,HOODIE,Color,Red\n"
    '12,variation,,"Hoodie - Blue",1,0,visible,,,0,0,,45,,,,id:10,Color,Blue\n'
    '13,"simple, downloadable",EBOOK,"Pocket and  Logo",-1,0,visible,,,1,,,5,,,,,,\n'
    "14,grouped,SET,Set,1,0,visible,,,1,,,,,,,,,\n"
    "15,variation,LOST,Lost,1,0,visible,,,1,,,3,,,,NOPE,,\n"
)


def test_variable_products_take_their_variations_by_sku_or_id(tmp_path):
    result = load(write(tmp_path, "woo.csv", WOO), currency="GBP")
    report = result.report
    assert report.format == "woocommerce"
    assert (report.products, report.variants, report.rows_rejected) == (2, 3, 1)
    hoodie = result.catalog.product("HOODIE")
    assert hoodie is not None
    assert hoodie.category == "Clothing > Hoodies"
    assert hoodie.image_urls == ("https://x.example/h.jpg", "https://x.example/h2.jpg")
    red, blue = hoodie.variants
    assert red.price == Money.of("40", "GBP")
    assert red.compare_at_price == Money.of("45", "GBP")
    assert red.options == (("Color", "Red"),)
    assert (red.stock, red.availability) == (4, Availability.IN_STOCK)
    assert blue.id == "id:12"
    assert blue.availability is Availability.OUT_OF_STOCK
    ebook = result.catalog.product("EBOOK")
    assert ebook is not None
    assert ebook.title == "Pocket and Logo"
    assert ebook.status is ProductStatus.DRAFT
    [lost] = report.rejected
    assert (lost.row, lost.column) == (7, "Parent")
    assert "'NOPE'" in lost.reason
    assert "skipped_row" in warning_kinds(result)  # the grouped product
