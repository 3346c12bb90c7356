"""Uploaded files written to disk a megabyte at a time, refused beyond the configured size (413)."""

from __future__ import annotations

from pathlib import Path

from fastapi import UploadFile

from cpms_kg.errors import BadInput, PayloadTooLarge


async def save_upload(upload: UploadFile, folder: Path, limit: int, name: str) -> tuple[Path, int]:
    """Writes `upload` as `folder/{name}{its extension}`; returns the path and the size in bytes."""
    suffix = Path(upload.filename or "").suffix.lower()
    if not suffix:
        raise BadInput(
            f"the {name} upload needs a file name with an extension (.csv, .xlsx, .json, .ttl, ...)",
            message_zh=f"上传的 {name} 须带扩展名（.csv、.xlsx、.json、.ttl 等）",
        )
    path, size = folder / f"{name}{suffix}", 0
    with path.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(
                    f"the upload is over {limit} bytes (CPMS_KG_MAX_UPLOAD_BYTES)",
                    message_zh=f"上传文件超过 {limit} 字节（CPMS_KG_MAX_UPLOAD_BYTES）",
                )
            out.write(chunk)
    return path, size
