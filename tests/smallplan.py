"""A second, small plan of the same shape as the first, written into a folder by the tests that need one."""

import json
from pathlib import Path

SLUG = "test-small-plan"
SOURCE_LINES = [
    "中共測試市委關于制定測試市發展規劃的建議",
    "(二〇二四年三月五日中國共產黨測試市第一屆委員會第二次全體會議通過)",
    "中國共產黨測試市第一屆委員會第二次全體會議就制定規劃提出以下建議。",
    "一、總體要求",
    "1.指導思想。堅持高質量發展,實施十項行動。",
    "2.必須遵循的原則。",
    "——堅持人民至上。尊重人民主體地位。",
    "——堅持系統觀念。統籌兼顧,協調推進。",
    "3.主要目標。",
    "——經濟實力明顯增強。地區生產總值穩步?!增長,碳達峰目標如期實現。",
    "在此基礎上再奮斗五年,到二〇三〇年基本實現現代化,人民生活更加美好。",
    "二、重點任務",
    "推進十項行動,建設海河實驗室。",
    "4.建設海河實驗室。建設海河實驗室和十項行動。",
    "奮斗成就事業,實干開創未來。",
]
METADATA = {"slug": SLUG, "source": f"{SLUG}.txt", "issuer": "中共測試市委", "region": "測試市", "period": [2025, 2029]}
ERRATA = [{"line": 10, "article": 3, "as_received": "穩步?!增長", "correction": "穩步增長"}]
INITIATIVES = "slug\tkind\tname\nshi-xiang-xing-dong\taction\t十項行動\nhai-he-shi-yan-shi\tplatform\t海河實驗室\n"


def write_plan(root, *, lines=SOURCE_LINES, metadata=METADATA, errata=ERRATA, initiatives=INITIATIVES, terms=None):
    """Write a plan folder under `root` (named for the slug) and return its path."""
    folder = Path(root) / metadata["slug"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    (folder / metadata["source"]).write_bytes("\n".join(lines).encode("utf-8"))
    if errata is not None:
        (folder / "errata.json").write_text(json.dumps(errata, ensure_ascii=False), encoding="utf-8")
    if initiatives is not None:
        (folder / "initiatives.tsv").write_text(initiatives, encoding="utf-8")
    if terms is not None:
        (folder / "terms.txt").write_text(terms, encoding="utf-8")
    return folder
