"""What a regulation says must be filmed becomes checklist items (seed 000 Art. 21, 004 Art. 16,
001 Art. 12(三)), after the general ones and only where the profile names them."""
from jlclient.domain.spot_check import GENERAL_ITEMS, CheckItem, offered_items


def test_without_filming_rules_only_the_general_items_are_offered():
    assert offered_items() == GENERAL_ITEMS
    assert CheckItem.LANDMARK not in offered_items()


def test_the_regulations_items_follow_the_general_ones_once_each():
    offered = offered_items((CheckItem.LANDMARK, CheckItem.PARTY_TOLD, CheckItem.LANDMARK))
    assert offered == GENERAL_ITEMS + (CheckItem.LANDMARK,)
    assert CheckItem.LANDMARK.label == "拍摄了受检场所的明显标志（或周围标志性建筑并口述场所名称）"
