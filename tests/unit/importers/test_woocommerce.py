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
    # "Hoodie - Red" is WooCommerce's own name for the variation: beside the product's
    # title it reads as its value, not "Hoodie — Hoodie - Red"
    assert (red.title, blue.title) == ("Red", "Blue")
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


def test_a_variation_named_as_woocommerce_names_them_reads_as_its_values(tmp_path):
    rows = (
        "ID,Type,SKU,Name,Regular price,Parent,Attribute 1 name,Attribute 1 value(s),"
        "Attribute 2 name,Attribute 2 value(s)\n"
        '1,variable,HOOD,Hoodie,,,Color,"Red",Logo,"Yes, No"\n'
        '2,variation,HOOD-RN,"Hoodie - Red, No",45,HOOD,Color,Red,Logo,No\n'
        '3,variation,HOOD-RY,"Hoodie - Limited run",45,HOOD,Color,Red,Logo,Yes\n'
        "4,variation,HOOD-X,Midnight edition,45,HOOD,Color,Red,Logo,Yes\n"
    )
    result = load(write(tmp_path, "woo.csv", rows), currency="GBP")
    hoodie = result.catalog.product("HOOD")
    assert hoodie is not None
    assert [v.title for v in hoodie.variants] == ["Red / No", "Limited run", "Midnight edition"]
