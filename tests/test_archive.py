"""Unpacking a release zip without trusting it: ``_release/archive.py``, check by check.

Every check of the module is pinned here at its boundary (the last value
accepted, the first refused) with its exact one-line message: member names,
member kinds, declared sizes and compression ratios, the member and size
caps, the end record read before zipfile parses anything, the byte counting
while copying, and where ``extract_zip`` puts the release. The tests are
unit-level (zips of a few bytes built in memory, hand-made ``ZipInfo``
objects, small stand-ins for a zip) and take milliseconds each, because the
mutation runner runs the quickest tests covering a line first.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

import pytest

from shanghai_innovation import ReleaseError, UnsafeArchiveError
from shanghai_innovation._release import archive
from shanghai_innovation._release.archive import check_member_name, name_key

#: The caps as SECURITY.md states them (1 MiB is RATIO_FLOOR, 200:1 is MAX_RATIO).
MAX_MEMBERS = 1_000
MAX_CENTRAL_DIRECTORY = 1_000 * 1024
MAX_NAME_BYTES = 255
DEFAULT_MAX_BYTES = 96 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
#: How much _copy asks zipfile for at a time.
CHUNK = 64 * 1024

WHERE = "r.zip: member 'm'"


def zip_bytes(*members: tuple[str | zipfile.ZipInfo, bytes], deflate: bool = False) -> bytes:
    """A zip holding the given members, built in memory."""
    buffer = io.BytesIO()
    compression = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", compression) as built:
        for name, data in members:
            built.writestr(name, data)
    return buffer.getvalue()


def write_zip(path: Path, *members: tuple[str | zipfile.ZipInfo, bytes]) -> Path:
    """A zip file on disk holding the given members."""
    path.write_bytes(zip_bytes(*members))
    return path


def info(
    name: str = "m", *, mode: int = 0, flags: int = 0, size: int = 0, compressed: int = 0
) -> zipfile.ZipInfo:
    """A hand-made member header: unix mode, flag bits and declared sizes."""
    made = zipfile.ZipInfo(name)
    made.external_attr = mode << 16
    made.flag_bits = flags
    made.file_size = size
    made.compress_size = compressed
    return made


def refusal(error: pytest.ExceptionInfo[ReleaseError]) -> str:
    """The message of a refusal, after checking it is one line."""
    message = str(error.value)
    assert "\n" not in message
    return message


class _Listing:
    """Stands in for a ZipFile whose central directory lists the given headers."""

    def __init__(self, *members: zipfile.ZipInfo) -> None:
        self.members = list(members)

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self.members


class _Reader(io.BytesIO):
    """A member's bytes that records the size of every read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1, /) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


class _Source:
    """Stands in for a ZipFile whose one member yields ``data``, whatever its header says."""

    def __init__(self, data: bytes) -> None:
        self.reader = _Reader(data)

    def open(self, member: zipfile.ZipInfo) -> _Reader:
        return self.reader


def plan(listing: _Listing, max_bytes: int = DEFAULT_MAX_BYTES) -> list[tuple[str, str]]:
    """What _plan makes of a listing, as (name, relative path) pairs."""
    planned = archive._plan(cast("zipfile.ZipFile", listing), "r.zip", max_bytes)
    return [(member.filename, str(relative)) for member, relative in planned]


def copy(data: bytes, declared: int, target: Path, *, budget: int, compressed: int = 0) -> int:
    """_copy of one member declaring ``declared`` bytes that yields ``data``."""
    member = info(size=declared, compressed=compressed or declared)
    return archive._copy(cast("zipfile.ZipFile", _Source(data)), member, target, WHERE, budget)


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", PurePosixPath("a.txt")),
        ("dir/", PurePosixPath("dir")),
        ("dir//", PurePosixPath("dir")),
        ("a/b/c.csv", PurePosixPath("a/b/c.csv")),
        ("...", PurePosixPath("...")),
        ("a..b/..c", PurePosixPath("a..b/..c")),
        ("caf\u00e9 \u4e0a\u6d77", PurePosixPath("caf\u00e9 \u4e0a\u6d77")),
    ],
)
def test_plain_relative_names_are_accepted(name: str, expected: PurePosixPath) -> None:
    """A plain relative name comes back as its path, trailing slashes dropped."""
    assert expected == check_member_name(name, "r.zip")


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "empty name"),
        ("/", "empty name"),
        (".", "empty name"),
        ("a\\b", "backslash in name (a Windows path)"),
        ("/etc/passwd", "absolute path"),
        ("//x", "absolute path"),
        ("C:x", "drive letter in path"),
        ("z:/x", "drive letter in path"),
        ("..", "'..' would leave the release folder"),
        ("../x", "'..' would leave the release folder"),
        ("a/../../x", "'..' would leave the release folder"),
        ("a/..", "'..' would leave the release folder"),
        ("a//b", "empty or '.' path segment"),
        ("./a", "empty or '.' path segment"),
        ("a/./b", "empty or '.' path segment"),
        ("a/.", "empty or '.' path segment"),
        ("./", "empty or '.' path segment"),
    ],
)
def test_unsafe_names_are_refused_with_the_reason(name: str, why: str) -> None:
    """Each unsafe name is refused with one message naming the label, the name and why."""
    with pytest.raises(UnsafeArchiveError) as error:
        check_member_name(name, "r.zip")
    assert f"r.zip: member {name!r}: {why}" == refusal(error)


@pytest.mark.parametrize(
    ("name", "shown", "code"),
    [
        ("a\tb", "'a\\tb'", "0009"),
        ("bell\x07.txt", "'bell\\x07.txt'", "0007"),
        ("x\x7f", "'x\\x7f'", "007F"),
        ("no\u00a0break", "'no\\xa0break'", "00A0"),
        ("evil\u202etxt.exe", "'evil\\u202etxt.exe'", "202E"),
        ("line\u2028sep", "'line\\u2028sep'", "2028"),
        ("tag\U000e0001", "'tag\\U000e0001'", "E0001"),
        ("a\x01/b\x02", "'a\\x01/b\\x02'", "0001"),
    ],
)
def test_unprintable_characters_are_refused_naming_the_first(
    name: str, shown: str, code: str
) -> None:
    """A name with an unprintable character is refused, naming the first such character."""
    with pytest.raises(UnsafeArchiveError) as error:
        check_member_name(name, "r.zip")
    assert (
        f"r.zip: member {shown}: the character U+{code} in the name (control, format, "
        "bidirectional and separator characters are refused)"
    ) == refusal(error)


def test_a_name_of_exactly_the_byte_cap_is_accepted() -> None:
    """A name of 255 UTF-8 bytes (128 characters, as two-byte letters) is accepted."""
    name = "\u00e9" * 127 + "a"
    assert (128, MAX_NAME_BYTES) == (len(name), len(name.encode()))
    assert PurePosixPath(name) == check_member_name(name, "r.zip")


def test_a_name_one_byte_over_the_cap_is_refused() -> None:
    """A name of 256 UTF-8 bytes is refused even though it has only 128 characters."""
    name = "\u00e9" * 128
    with pytest.raises(UnsafeArchiveError) as error:
        check_member_name(name, "r.zip")
    assert f"r.zip: member {name!r}: longer than 255 bytes" == refusal(error)


def test_checks_run_in_order_backslash_before_length() -> None:
    """A long name with a backslash is refused for the backslash, the first check it fails."""
    name = "a\\" + "b" * 300
    with pytest.raises(UnsafeArchiveError, match="backslash in name"):
        check_member_name(name, "r.zip")


def test_name_key_merges_spellings_and_case_only() -> None:
    """Names compare in NFC ignoring case: composed and decomposed are one, ß is not ss."""
    assert "caf\u00e9.csv" == name_key("CAFE\u0301.CSV")
    assert name_key("caf\u00e9") == name_key("Cafe\u0301")
    assert "stra\u00dfe" == name_key("STRA\u00dfE")
    assert name_key("stra\u00dfe") != name_key("strasse")


# --- member kinds and flags ------------------------------------------------------------


@pytest.mark.parametrize(
    "mode",
    [0, stat.S_IFREG | 0o644, stat.S_IFREG | 0o4755, stat.S_IFDIR | 0o755, 0o644],
    ids=["no-mode", "file", "setuid-file", "folder", "permissions-only"],
)
def test_regular_files_and_folders_pass_the_kind_check(mode: int) -> None:
    """A regular file, a folder, or a member with no file type (a Windows zip) is accepted."""
    archive._check_kind(info(mode=mode), WHERE)


def test_a_symbolic_link_is_refused() -> None:
    """A member whose unix mode is a symbolic link is refused as a link."""
    with pytest.raises(UnsafeArchiveError) as error:
        archive._check_kind(info(mode=stat.S_IFLNK | 0o777), WHERE)
    assert f"{WHERE}: a symbolic link (links are refused)" == refusal(error)


@pytest.mark.parametrize(
    ("mode", "octal"),
    [
        (stat.S_IFIFO | 0o644, "10644"),
        (stat.S_IFCHR | 0o600, "20600"),
        (stat.S_IFBLK | 0o660, "60660"),
        (stat.S_IFSOCK | 0o755, "140755"),
        (0o170000, "170000"),
    ],
    ids=["pipe", "char-device", "block-device", "socket", "unknown-type"],
)
def test_other_kinds_are_refused_showing_the_mode(mode: int, octal: str) -> None:
    """A pipe, device, socket or unknown file type is refused, showing the mode in octal."""
    with pytest.raises(UnsafeArchiveError) as error:
        archive._check_kind(info(mode=mode), WHERE)
    assert f"{WHERE}: not a regular file or folder (mode {octal})" == refusal(error)


def test_the_kind_comes_from_the_high_half_of_the_attributes() -> None:
    """Only the unix mode (the high 16 bits) counts: DOS attribute bits in the low half do not."""
    made = info(mode=stat.S_IFREG | 0o644)
    made.external_attr |= 0x10 | 0x20  # MS-DOS "directory" and "archive" bits
    archive._check_kind(made, WHERE)


@pytest.mark.parametrize("flags", [0x1, 0x1 | 0x8, 0x1 | 0x800, 0x41])
def test_an_encrypted_member_is_refused(flags: int) -> None:
    """A member with the encryption flag bit (bit 0) set is refused, whatever other bits say."""
    with pytest.raises(UnsafeArchiveError) as error:
        archive._check_kind(info(flags=flags), WHERE)
    assert f"{WHERE}: encrypted members are refused" == refusal(error)


@pytest.mark.parametrize("flags", [0x2, 0x4, 0x6, 0x8, 0x800, 0x808, 0xFFFE])
def test_other_flag_bits_are_accepted(flags: int) -> None:
    """Flag bits other than bit 0 (compression options, data descriptor, UTF-8) are accepted."""
    archive._check_kind(info(flags=flags), WHERE)


def test_a_link_is_refused_as_a_link_before_its_encryption() -> None:
    """An encrypted link is reported as a link, the first check it fails."""
    with pytest.raises(UnsafeArchiveError, match="symbolic link"):
        archive._check_kind(info(mode=stat.S_IFLNK | 0o777, flags=0x1), WHERE)


# --- declared sizes and the compression ratio ------------------------------------------


@pytest.mark.parametrize(
    ("size", "compressed"),
    [
        (0, 0),
        (1_000, 1),
        (RATIO_FLOOR, 0),
        (RATIO_FLOOR, 1),
        (MAX_RATIO * 6_000, 6_000),
        (RATIO_FLOOR + 1, RATIO_FLOOR + 1),
        (2 * RATIO_FLOOR, RATIO_FLOOR),
        (DEFAULT_MAX_BYTES, DEFAULT_MAX_BYTES // MAX_RATIO + 1),
    ],
    ids=[
        "empty",
        "small-1000:1",
        "floor-from-nothing",
        "floor-from-1-byte",
        "exactly-200:1",
        "stored",
        "2:1",
        "cap-under-200:1",
    ],
)
def test_declared_sizes_within_the_ratio_are_accepted(size: int, compressed: int) -> None:
    """A member at most 1 MiB, or compressing at most 200:1, passes the size check."""
    archive._check_sizes(info(size=size, compressed=compressed), WHERE)


@pytest.mark.parametrize(
    ("size", "compressed", "ratio"),
    [
        (RATIO_FLOOR + 1, 1, "1048577"),
        (RATIO_FLOOR + 1, 0, "1048577"),
        (MAX_RATIO * 6_000 + 1, 6_000, "200"),
        (201 * 6_000, 6_000, "201"),
        (DEFAULT_MAX_BYTES, 1_000, "100663"),
    ],
    ids=["floor-plus-1", "from-nothing", "200:1-plus-1-byte", "201:1", "cap-at-100663:1"],
)
def test_declared_sizes_over_the_ratio_are_refused(size: int, compressed: int, ratio: str) -> None:
    """A member over 1 MiB compressing better than 200:1 is refused, naming its whole ratio."""
    with pytest.raises(UnsafeArchiveError) as error:
        archive._check_sizes(info(size=size, compressed=compressed), WHERE)
    assert (
        f"{WHERE}: compression ratio {ratio}:1 is over the limit of 200:1 (a zip bomb?)"
        == refusal(error)
    )


# --- the plan: member count, names, duplicates, declared total -------------------------


def test_a_zip_is_planned_member_by_member_in_order() -> None:
    """The plan lists every member in zip order with its checked relative path."""
    data = zip_bytes(("rel/", b""), ("rel/b.csv", b"b"), ("rel/a.csv", b"a"))
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        planned = archive._plan(opened, "r.zip", 2)
    assert [("rel/", "rel"), ("rel/b.csv", "rel/b.csv"), ("rel/a.csv", "rel/a.csv")] == [
        (member.filename, str(relative)) for member, relative in planned
    ]


def test_exactly_the_member_cap_is_planned() -> None:
    """A zip of exactly 1,000 members is accepted."""
    listing = _Listing(*(info(f"f{n}") for n in range(MAX_MEMBERS)))
    assert MAX_MEMBERS == len(plan(listing))


def test_one_member_over_the_cap_is_refused() -> None:
    """A zip of 1,001 members is refused before any name is looked at."""
    listing = _Listing(*(info("..") for _ in range(MAX_MEMBERS + 1)))
    with pytest.raises(UnsafeArchiveError) as error:
        plan(listing)
    assert "r.zip: 1001 members, over the limit of 1000" == refusal(error)


def test_a_real_zip_of_the_member_cap_is_planned() -> None:
    """The member cap counts what zipfile lists: 1,000 empty files pass _plan."""
    data = zip_bytes(*((f"f{n}", b"") for n in range(MAX_MEMBERS)))
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        assert MAX_MEMBERS == len(archive._plan(opened, "r.zip", 1))


def test_each_name_is_checked_in_the_plan() -> None:
    """An unsafe name anywhere in the zip stops the plan."""
    with pytest.raises(UnsafeArchiveError) as error:
        plan(_Listing(info("ok.csv"), info("a/../../evil")))
    assert "r.zip: member 'a/../../evil': '..' would leave the release folder" == refusal(error)


def test_each_kind_is_checked_in_the_plan() -> None:
    """A link anywhere in the zip stops the plan."""
    with pytest.raises(UnsafeArchiveError) as error:
        plan(_Listing(info("ok.csv"), info("link", mode=stat.S_IFLNK | 0o777)))
    assert "r.zip: member 'link': a symbolic link (links are refused)" == refusal(error)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("metrics.csv", "METRICS.CSV"),
        ("caf\u00e9.txt", "cafe\u0301.txt"),
        ("dir/", "dir"),
        ("Dir/a.txt", "dir/A.TXT"),
        ("a//", "A"),
    ],
    ids=["case", "nfc", "folder-and-file", "nested-case", "trailing-slashes"],
)
def test_a_repeated_name_is_refused_naming_both(first: str, second: str) -> None:
    """Two members whose paths differ only in case, composition or a trailing slash are refused."""
    with pytest.raises(UnsafeArchiveError) as error:
        plan(_Listing(info(first), info(second)))
    assert f"r.zip: member {second!r}: duplicate of member {first!r}" == refusal(error)


def test_names_that_differ_are_not_duplicates() -> None:
    """'straße' and 'strasse', and a name and its own folder prefix, are different members."""
    names = ["stra\u00dfe.txt", "strasse.txt", "a/b", "a/bb", "ab"]
    assert [(name, name) for name in names] == plan(_Listing(*(info(n) for n in names)))


def test_the_ratio_is_checked_in_the_plan() -> None:
    """A member declaring a zip bomb's sizes stops the plan."""
    with pytest.raises(UnsafeArchiveError) as error:
        plan(_Listing(info("zeros.bin", size=RATIO_FLOOR + 1, compressed=1)))
    assert (
        "r.zip: member 'zeros.bin': compression ratio 1048577:1 is over the limit of 200:1"
        " (a zip bomb?)" == refusal(error)
    )


def test_a_deflated_bomb_is_refused_from_its_header() -> None:
    """A real deflated member of 2 MiB of zeros is refused by the plan, before any byte is read."""
    data = zip_bytes(("zeros.bin", b"\0" * (2 * RATIO_FLOOR)), deflate=True)
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        (member,) = opened.infolist()
        with pytest.raises(UnsafeArchiveError) as error:
            archive._plan(opened, "r.zip", DEFAULT_MAX_BYTES)
    ratio = 2 * RATIO_FLOOR // member.compress_size
    assert ratio > MAX_RATIO
    assert (
        f"r.zip: member 'zeros.bin': compression ratio {ratio}:1 is over the limit of 200:1"
        " (a zip bomb?)" == refusal(error)
    )


def test_declared_sizes_adding_up_to_the_cap_are_accepted() -> None:
    """Members whose declared sizes add up to exactly max_bytes are planned."""
    listing = _Listing(info("a", size=60, compressed=60), info("b", size=40, compressed=40))
    assert [("a", "a"), ("b", "b")] == plan(listing, max_bytes=100)


@pytest.mark.parametrize(
    ("sizes", "cap"), [((60, 40), 99), ((60, 50), 100), ((101,), 100), ((1, 0, 1), 1)]
)
def test_declared_sizes_adding_up_over_the_cap_are_refused(
    sizes: tuple[int, ...], cap: int
) -> None:
    """Members whose declared sizes add up to one byte or more over max_bytes are refused."""
    listing = _Listing(*(info(f"f{n}", size=s, compressed=s) for n, s in enumerate(sizes)))
    with pytest.raises(UnsafeArchiveError) as error:
        plan(listing, max_bytes=cap)
    assert f"r.zip: unpacks to more than the cap of {cap} bytes (a zip bomb?)" == refusal(error)


# --- copying one member, counting its bytes ----------------------------------------------


def test_a_member_is_copied_and_its_size_returned(tmp_path: Path) -> None:
    """A member is written byte for byte and its size returned, the budget exactly spent."""
    target = tmp_path / "m"
    assert 100_000 == copy(b"x" * 100_000, 100_000, target, budget=100_000)
    assert b"x" * 100_000 == target.read_bytes()


def test_a_real_member_is_copied(tmp_path: Path) -> None:
    """A deflated member of a real zip is copied through zipfile."""
    data = zip_bytes(("a.txt", b"hello " * 1000), deflate=True)
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        (member,) = opened.infolist()
        assert 6_000 == archive._copy(opened, member, tmp_path / "a.txt", WHERE, 6_000)
    assert b"hello " * 1000 == (tmp_path / "a.txt").read_bytes()


def test_a_member_is_read_64_kib_at_a_time(tmp_path: Path) -> None:
    """_copy asks for 64 KiB at a time, so no member is ever held in memory whole."""
    source = _Source(b"x" * (2 * CHUNK + 1))
    member = info(size=2 * CHUNK + 1, compressed=2 * CHUNK + 1)
    archive._copy(cast("zipfile.ZipFile", source), member, tmp_path / "m", WHERE, 10**9)
    assert [CHUNK] * 4 == source.reader.asked


def test_copying_never_overwrites(tmp_path: Path) -> None:
    """A member whose file already exists is not written over."""
    target = tmp_path / "m"
    target.write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        copy(b"new", 3, target, budget=3)
    assert b"keep" == target.read_bytes()


def test_more_bytes_than_declared_are_refused(tmp_path: Path) -> None:
    """A member yielding one byte more than its header declares is refused while copying."""
    with pytest.raises(UnsafeArchiveError) as error:
        copy(b"x" * 101, 100, tmp_path / "m", budget=10**9)
    assert f"{WHERE}: holds more bytes than its header declares" == refusal(error)


def test_fewer_bytes_than_declared_are_a_release_error(tmp_path: Path) -> None:
    """A member yielding fewer bytes than declared is a ReleaseError naming both counts."""
    with pytest.raises(ReleaseError) as error:
        copy(b"x" * 99, 100, tmp_path / "m", budget=10**9)
    assert type(error.value) is ReleaseError
    assert f"{WHERE}: 99 bytes where the header declares 100" == refusal(error)


def test_a_member_over_the_budget_is_refused(tmp_path: Path) -> None:
    """A member one byte over what is left of the size budget is refused while copying."""
    with pytest.raises(UnsafeArchiveError) as error:
        copy(b"x" * 100, 100, tmp_path / "m", budget=99)
    assert f"{WHERE}: unpacking goes over the size cap (a zip bomb?)" == refusal(error)


def test_a_real_member_over_the_budget_is_refused(tmp_path: Path) -> None:
    """Through zipfile too, a member larger than the budget left is refused while copying."""
    data = zip_bytes(("a.txt", b"a" * 10))
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        (member,) = opened.infolist()
        with pytest.raises(UnsafeArchiveError, match="goes over the size cap"):
            archive._copy(opened, member, tmp_path / "a.txt", WHERE, 9)


def test_the_byte_count_is_checked_before_the_budget(tmp_path: Path) -> None:
    """A member over both its declared size and the budget is refused for its declared size."""
    with pytest.raises(UnsafeArchiveError, match="more bytes than its header declares"):
        copy(b"x" * 101, 100, tmp_path / "m", budget=50)


def test_copying_at_the_ratio_floor_is_not_held_to_the_ratio(tmp_path: Path) -> None:
    """Exactly 1 MiB unpacked from 1 byte is accepted while copying: only bytes past 1 MiB count."""
    target = tmp_path / "m"
    assert RATIO_FLOOR == copy(b"\0" * RATIO_FLOOR, RATIO_FLOOR, target, budget=10**9, compressed=1)


def test_copying_at_exactly_the_ratio_is_accepted(tmp_path: Path) -> None:
    """A member unpacking 5,300 bytes to exactly 200 times that (over 1 MiB) is copied."""
    size = MAX_RATIO * 5_300
    assert size == copy(b"\0" * size, size, tmp_path / "m", budget=10**9, compressed=5_300)


def test_copying_past_the_ratio_is_refused(tmp_path: Path) -> None:
    """One byte past 200 times the compressed size, over 1 MiB, is refused while copying."""
    size = MAX_RATIO * 5_300 + 1
    with pytest.raises(UnsafeArchiveError) as error:
        copy(b"\0" * size, size, tmp_path / "m", budget=10**9, compressed=5_300)
    assert f"{WHERE}: compression ratio over the limit of 200:1 (a zip bomb?)" == refusal(error)


def test_copying_one_byte_past_the_floor_from_nothing_is_refused(tmp_path: Path) -> None:
    """A member declaring no compressed bytes is refused once it unpacks past 1 MiB."""
    size = RATIO_FLOOR + 1
    member = info(size=size, compressed=0)
    source = cast("zipfile.ZipFile", _Source(b"\0" * size))
    with pytest.raises(UnsafeArchiveError, match="compression ratio over the limit of 200:1"):
        archive._copy(source, member, tmp_path / "m", WHERE, 10**9)


def test_a_well_compressed_small_member_is_copied(tmp_path: Path) -> None:
    """A member under 1 MiB is copied however well it compressed."""
    size = RATIO_FLOOR - 1
    assert size == copy(b"\0" * size, size, tmp_path / "m", budget=10**9, compressed=1)


def test_a_large_member_compressed_modestly_is_copied(tmp_path: Path) -> None:
    """A member over 1 MiB compressed 2:1 is copied."""
    size = 2 * RATIO_FLOOR
    assert size == copy(b"\0" * size, size, tmp_path / "m", budget=10**9, compressed=RATIO_FLOOR)


# --- the end record, read before zipfile parses anything ------------------------------


def end_record(
    entries: int, size: int, *, on_disk: int | None = None, offset: int = 0, comment: bytes = b""
) -> bytes:
    """A zip's end-of-central-directory record claiming ``entries`` members and ``size`` bytes."""
    disk = entries if on_disk is None else on_disk
    head = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, disk, entries, size, offset, len(comment))
    return head + comment


def zip64_records(entries: int, size: int, *, on_disk: int | None = None) -> bytes:
    """A ZIP64 end record (56 bytes) and its locator (20 bytes), in that order."""
    disk = entries if on_disk is None else on_disk
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, disk, entries, size, 0)
    locator = struct.pack("<IIQI", 0x07064B50, 0, 0, 1)
    return record + locator


def check_directory(data: bytes) -> None:
    """Run the end-record check over ``data`` as the whole file."""
    archive._check_directory(io.BytesIO(data), len(data), "r.zip")


def directory_refusal(data: bytes) -> str:
    """The message the end-record check refuses ``data`` with."""
    with pytest.raises(UnsafeArchiveError) as error:
        check_directory(data)
    return refusal(error)


def test_a_real_zip_passes_the_directory_check() -> None:
    """A small zip made by zipfile passes the end-record check."""
    check_directory(zip_bytes(("a.txt", b"a"), ("b/c.txt", b"c")))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"PK",
        b"not a zip at all" * 3,
        b"PK\x05\x06" + b"\0" * 17,
        b"x" * 10 + end_record(5_000, MAX_CENTRAL_DIRECTORY + 1)[:-1],
    ],
    ids=["empty", "signature-start", "text", "short-end", "cut-end-over-caps"],
)
def test_what_is_not_a_zip_is_left_to_zipfile(data: bytes) -> None:
    """Bytes without a whole end record pass the check, whatever a cut record claims."""
    check_directory(data)
    with pytest.raises(zipfile.BadZipFile, match="not a zip file"):
        zipfile.ZipFile(io.BytesIO(data))


def test_an_end_record_at_the_member_cap_is_accepted() -> None:
    """An end record claiming exactly 1,000 members is accepted."""
    check_directory(b"x" * 100 + end_record(MAX_MEMBERS, 0))


def test_an_end_record_over_the_member_cap_is_refused() -> None:
    """An end record claiming 1,001 members is refused."""
    message = directory_refusal(b"x" * 100 + end_record(MAX_MEMBERS + 1, 0))
    assert "r.zip: 1001 members, over the limit of 1000" == message


def test_the_member_count_is_the_total_not_this_disks() -> None:
    """The count checked is the total entries field, not the entries on this disk."""
    message = directory_refusal(end_record(MAX_MEMBERS + 1, 0, on_disk=1))
    assert "r.zip: 1001 members, over the limit of 1000" == message
    check_directory(end_record(1, 0, on_disk=MAX_MEMBERS + 1))


def test_a_directory_at_the_byte_cap_is_accepted() -> None:
    """An end record declaring a central directory of exactly 1,000 KiB is accepted."""
    check_directory(end_record(1, MAX_CENTRAL_DIRECTORY))


def test_a_directory_over_the_byte_cap_is_refused() -> None:
    """An end record declaring a central directory one byte over 1,000 KiB is refused."""
    message = directory_refusal(end_record(1, MAX_CENTRAL_DIRECTORY + 1))
    assert (
        "r.zip: a central directory of 1024001 bytes, over the cap of 1024000 (1000 members)"
        == message
    )


def test_the_member_count_is_checked_before_the_directory_size() -> None:
    """An end record over both caps is refused for its member count."""
    message = directory_refusal(end_record(MAX_MEMBERS + 1, MAX_CENTRAL_DIRECTORY + 1))
    assert "r.zip: 1001 members, over the limit of 1000" == message


def test_an_end_record_behind_a_comment_is_found() -> None:
    """An end record followed by a zip comment is found by its signature and checked."""
    message = directory_refusal(b"x" * 10 + end_record(5_000, 0, comment=b"a comment"))
    assert "r.zip: 5000 members, over the limit of 1000" == message


@pytest.mark.parametrize("before", [b"", b"x" * 30], ids=["bare", "after-bytes"])
def test_an_end_record_holding_its_own_signature_is_read_from_the_end(before: bytes) -> None:
    """A final record with no comment is read in place, even if its fields hold the signature."""
    record = end_record(5_000, 0, offset=0x06054B50)
    assert b"PK\x05\x06" == record[16:20]
    assert "r.zip: 5000 members, over the limit of 1000" == directory_refusal(before + record)


def test_the_last_end_record_is_the_one_checked() -> None:
    """Of two end records, the last one (as zipfile reads it) is the one checked."""
    hidden = end_record(1, 0)
    check_directory(end_record(5_000, 0, comment=hidden))
    message = directory_refusal(end_record(1, 0, comment=end_record(5_000, 0)))
    assert "r.zip: 5000 members, over the limit of 1000" == message


def test_an_end_record_with_a_missing_comment_is_left_to_zipfile() -> None:
    """A record declaring a comment it lacks is not used: the zip is left to zipfile to refuse."""
    # The record's last four bytes (offset high half, comment length) spell the signature again.
    record = end_record(5_000, 0, offset=0x4B50 << 16)[:-2] + b"\x05\x06"
    assert b"PK\x05\x06" == record[-4:]
    check_directory(b"x" * 50 + record)
    with pytest.raises(zipfile.BadZipFile, match="not a zip file"):
        zipfile.ZipFile(io.BytesIO(b"x" * 50 + record))


def test_an_end_record_beyond_zipfiles_search_window_is_not_found() -> None:
    """An end record followed by more than 64 KiB is out of reach, as zipfile sees it too."""
    check_directory(end_record(5_000, 0) + b"x" * (0xFFFF + 20 + 56 + 1))


def test_a_zip64_record_before_the_longest_comment_is_still_read() -> None:
    """A ZIP64 record is read even behind an end record with the longest comment (65,535 bytes)."""
    data = zip64_records(5_000, 0) + end_record(1, 0, comment=b"x" * 0xFFFF)
    assert "r.zip: 5000 members, over the limit of 1000" == directory_refusal(data)
    assert "r.zip: 5000 members, over the limit of 1000" == directory_refusal(b"x" * 9 + data)


@pytest.mark.parametrize(
    ("entries", "size", "message"),
    [
        (MAX_MEMBERS + 1, 0, "r.zip: 1001 members, over the limit of 1000"),
        (
            1,
            MAX_CENTRAL_DIRECTORY + 1,
            "r.zip: a central directory of 1024001 bytes, over the cap of 1024000 (1000 members)",
        ),
        (2**40, 0, "r.zip: 1099511627776 members, over the limit of 1000"),
    ],
    ids=["members", "bytes", "huge"],
)
def test_a_zip64_record_over_a_cap_is_refused(entries: int, size: int, message: str) -> None:
    """A ZIP64 end record over a cap is refused even when the classic record is small."""
    data = b"x" * 8 + zip64_records(entries, size, on_disk=1) + end_record(1, 0)
    assert message == directory_refusal(data)


def test_a_zip64_record_at_the_caps_is_accepted() -> None:
    """A ZIP64 end record at exactly both caps is accepted."""
    data = zip64_records(MAX_MEMBERS, MAX_CENTRAL_DIRECTORY, on_disk=2**40) + end_record(1, 0)
    check_directory(data)


def test_a_zip64_record_is_read_only_behind_its_locator() -> None:
    """Without the locator signature right before the end record, no ZIP64 record is read."""
    records = bytearray(zip64_records(5_000, 0))
    records[56:60] = b"NOPE"
    check_directory(bytes(records) + end_record(1, 0))


def test_a_locator_at_the_very_start_has_no_record_before_it() -> None:
    """A locator with no room for a ZIP64 record before it is ignored, as zipfile ignores it."""
    locator = zip64_records(0, 0)[56:]
    check_directory(locator + end_record(1, 0))


def test_the_zip64_record_is_found_behind_a_comment() -> None:
    """A ZIP64 record is read before an end record that has a comment."""
    data = zip64_records(5_000, 0) + end_record(1, 0, comment=b"note")
    assert "r.zip: 5000 members, over the limit of 1000" == directory_refusal(data)


def test_the_directory_check_reads_the_end_of_a_long_file() -> None:
    """The end record is read from the end of a file longer than the search window."""
    data = b"\0" * (3 * 0xFFFF) + zip64_records(1, 0) + end_record(MAX_MEMBERS + 1, 0)
    assert "r.zip: 1001 members, over the limit of 1000" == directory_refusal(data)


# --- extract_zip and release_root ------------------------------------------------------


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder to unpack into."""
    target = tmp_path / "out"
    target.mkdir()
    return target.resolve()


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_zip_is_unpacked_into_the_folder(tmp_path: Path, out: Path) -> None:
    """Every file lands at its path, folders made as needed; the folder itself is returned."""
    members = [("a.txt", b"A"), ("d/", b""), ("d/e/f.csv", b"F"), ("g/h/i", b""), ("k/l/", b"")]
    path = write_zip(tmp_path / "r.zip", *members)
    assert out == archive.extract_zip(path, out)
    assert {"a.txt": b"A", "d/e/f.csv": b"F", "g/h/i": b""} == files_in(out)
    assert (out / "k" / "l").is_dir()


def test_a_zip_holding_one_folder_returns_that_folder(tmp_path: Path, out: Path) -> None:
    """When everything sits in one top folder, that folder is the release."""
    path = write_zip(tmp_path / "r.zip", ("rel/", b""), ("rel/a.txt", b"A"), ("rel/b/", b""))
    assert out / "rel" == archive.extract_zip(path, out)
    assert (out / "rel" / "b").is_dir()


def test_the_release_folder_is_resolved(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative target comes back as an absolute, resolved folder."""
    path = write_zip(tmp_path / "r.zip", ("a.txt", b"A"))
    monkeypatch.chdir(tmp_path)
    assert out.resolve() == archive.extract_zip(path, Path("out"))


def test_a_zip_of_exactly_max_bytes_is_unpacked(tmp_path: Path, out: Path) -> None:
    """A zip file whose size is exactly max_bytes is accepted."""
    path = write_zip(tmp_path / "r.zip", ("a.txt", b"A" * 10))
    archive.extract_zip(path, out, max_bytes=path.stat().st_size)
    assert {"a.txt": b"A" * 10} == files_in(out)


def test_a_zip_one_byte_over_max_bytes_is_refused(tmp_path: Path, out: Path) -> None:
    """A zip file one byte larger than max_bytes is refused unread, naming both sizes."""
    path = write_zip(tmp_path / "r.zip", ("a.txt", b"A" * 10))
    size = path.stat().st_size
    with pytest.raises(UnsafeArchiveError) as error:
        archive.extract_zip(path, out, max_bytes=size - 1, label="r.zip")
    assert f"r.zip: {size} bytes, over the cap of {size - 1} bytes" == refusal(error)
    assert [] == list(out.iterdir())


def test_the_path_is_the_default_label(tmp_path: Path, out: Path) -> None:
    """Without a label, messages name the zip by its path."""
    path = write_zip(tmp_path / "r.zip", ("..", b""))
    with pytest.raises(UnsafeArchiveError) as error:
        archive.extract_zip(path, out)
    assert f"{path}: member '..': '..' would leave the release folder" == refusal(error)


def test_an_empty_label_is_kept(tmp_path: Path, out: Path) -> None:
    """A label given, even an empty one, replaces the path in messages."""
    with pytest.raises(ReleaseError) as error:
        archive.extract_zip(tmp_path / "missing.zip", out, label="")
    assert ": no such file" == refusal(error)


def test_a_missing_zip_is_a_release_error(tmp_path: Path, out: Path) -> None:
    """A zip that does not exist is a ReleaseError saying so."""
    with pytest.raises(ReleaseError) as error:
        archive.extract_zip(tmp_path / "missing.zip", out, label="r.zip")
    assert type(error.value) is ReleaseError
    assert "r.zip: no such file" == refusal(error)


@pytest.mark.parametrize(
    "data", [b"", b"not a zip", b"PK\x05\x06" + b"\0" * 17], ids=["empty", "text", "short-end"]
)
def test_what_is_not_a_zip_is_a_release_error(tmp_path: Path, out: Path, data: bytes) -> None:
    """A file that is not a zip is a ReleaseError quoting zipfile's reason."""
    path = tmp_path / "r.zip"
    path.write_bytes(data)
    with pytest.raises(ReleaseError) as error:
        archive.extract_zip(path, out, label="r.zip")
    assert type(error.value) is ReleaseError
    assert "r.zip: not a readable zip (File is not a zip file)" == refusal(error)


def test_a_damaged_member_is_a_release_error(tmp_path: Path, out: Path) -> None:
    """A member whose bytes do not match their checksum is a ReleaseError quoting zipfile."""
    data = bytearray(zip_bytes(("a.txt", b"hello")))
    data[data.index(b"hello")] = ord("j")
    path = tmp_path / "r.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(ReleaseError) as error:
        archive.extract_zip(path, out, label="r.zip")
    assert type(error.value) is ReleaseError
    assert "r.zip: not a readable zip (Bad CRC-32 for file 'a.txt')" == refusal(error)


def test_a_directory_over_the_cap_is_refused_before_zipfile(tmp_path: Path, out: Path) -> None:
    """A zip whose end record claims too many members is refused through extract_zip."""
    path = tmp_path / "r.zip"
    path.write_bytes(end_record(MAX_MEMBERS + 1, 0))
    with pytest.raises(UnsafeArchiveError) as error:
        archive.extract_zip(path, out, label="r.zip")
    assert "r.zip: 1001 members, over the limit of 1000" == refusal(error)


def test_unpacking_over_max_bytes_is_refused_before_anything_is_written(
    tmp_path: Path, out: Path
) -> None:
    """A small zip unpacking to one byte over max_bytes is refused by the plan, nothing written."""
    path = tmp_path / "r.zip"
    path.write_bytes(zip_bytes(("a.txt", b"A"), ("b.txt", b"\0" * 9_999), deflate=True))
    assert path.stat().st_size < 9_999
    with pytest.raises(UnsafeArchiveError) as error:
        archive.extract_zip(path, out, max_bytes=9_999, label="r.zip")
    assert "r.zip: unpacks to more than the cap of 9999 bytes (a zip bomb?)" == refusal(error)
    assert [] == list(out.iterdir())


def test_unpacking_to_exactly_max_bytes_is_accepted(tmp_path: Path, out: Path) -> None:
    """A zip unpacking to exactly max_bytes is unpacked whole."""
    path = tmp_path / "r.zip"
    path.write_bytes(zip_bytes(("a.txt", b"A"), ("b.txt", b"\0" * 9_999), deflate=True))
    assert out == archive.extract_zip(path, out, max_bytes=10_000)
    assert {"a.txt": b"A", "b.txt": b"\0" * 9_999} == files_in(out)


@pytest.mark.parametrize(
    "members",
    [
        (("a", b"file"), ("a/b", b"x")),
        (("a/b", b"x"), ("a", b"file")),
        (("a", b"file"), ("a/b/c", b"x")),
        (("a/b/", b""), ("a", b"file")),
    ],
    ids=["file-first", "folder-first", "file-then-deep", "folder-member-first"],
)
def test_a_file_and_a_folder_of_one_name_clash(
    tmp_path: Path, out: Path, members: tuple[tuple[str, bytes], ...]
) -> None:
    """A file and a folder sharing a name are refused, whichever comes first."""
    path = write_zip(tmp_path / "r.zip", *members)
    with pytest.raises(UnsafeArchiveError) as error:
        archive.extract_zip(path, out, label="r.zip")
    assert "r.zip: members clash (a file and a folder share a name)" == refusal(error)


def test_a_folder_member_after_its_files_is_fine(tmp_path: Path, out: Path) -> None:
    """A folder listed after files inside it is no clash."""
    path = write_zip(tmp_path / "r.zip", ("d/a.txt", b"A"), ("d/", b""), ("e.txt", b"E"))
    assert out == archive.extract_zip(path, out)
    assert {"d/a.txt": b"A", "e.txt": b"E"} == files_in(out)


def test_a_member_through_a_link_in_the_target_is_refused(tmp_path: Path, out: Path) -> None:
    """A member that would land outside through a link already in the target is not written."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "esc").symlink_to(outside)
    path = write_zip(tmp_path / "r.zip", ("esc/x.txt", b"X"))
    with pytest.raises(UnsafeArchiveError) as error:
        archive.extract_zip(path, out, label="r.zip")
    assert "r.zip: member 'esc/x.txt': would leave the release folder" == refusal(error)
    assert [] == list(outside.iterdir())


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (OSError(28, "No space left on device"), "No space left on device"),
        (OSError("the disk went away\nand more"), "the disk went away"),
    ],
    ids=["with-strerror", "without-strerror"],
)
def test_an_os_error_is_a_release_error(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch, failure: OSError, reason: str
) -> None:
    """An OS failure while unpacking is a ReleaseError quoting the first line of its reason."""
    path = write_zip(tmp_path / "r.zip", ("a.txt", b"A"))
    opener = Path.open

    def full(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
        if "x" in mode:
            raise failure
        return opener(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full)
    with pytest.raises(ReleaseError) as error:
        archive.extract_zip(path, out, label="r.zip")
    assert type(error.value) is ReleaseError
    assert f"r.zip: cannot unpack ({reason})" == refusal(error)


def test_a_single_subfolder_is_the_release_root(tmp_path: Path) -> None:
    """A folder holding only one subfolder has that subfolder as its release root."""
    (tmp_path / "rel").mkdir()
    assert tmp_path / "rel" == archive.release_root(tmp_path)


@pytest.mark.parametrize(
    "entries", [(), ("a.txt",), ("a/", "b/"), ("a/", "b.txt")], ids=["empty", "file", "2", "mix"]
)
def test_anything_else_is_its_own_release_root(tmp_path: Path, entries: tuple[str, ...]) -> None:
    """A folder that is empty, holds a file, or holds several entries is its own release root."""
    for entry in entries:
        if entry.endswith("/"):
            (tmp_path / entry).mkdir()
        else:
            (tmp_path / entry).write_bytes(b"")
    assert tmp_path == archive.release_root(tmp_path)


def test_a_link_to_a_folder_is_not_the_release_root(tmp_path: Path) -> None:
    """A folder holding only a link to a folder is its own release root (links are not followed)."""
    (tmp_path / "real").mkdir()
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "link").symlink_to(tmp_path / "real")
    assert folder == archive.release_root(folder)


def test_the_caps_are_those_security_md_states() -> None:
    """The module's caps equal what SECURITY.md states (1,000 members, 96 MiB, 200:1 past 1 MiB)."""
    assert (MAX_MEMBERS, DEFAULT_MAX_BYTES, MAX_RATIO, RATIO_FLOOR) == (
        archive.MAX_MEMBERS,
        archive.DEFAULT_MAX_BYTES,
        archive.MAX_RATIO,
        archive.RATIO_FLOOR,
    )
