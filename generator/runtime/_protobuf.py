"""The Kubernetes protobuf wire form (`application/vnd.kubernetes.protobuf`).

A body is the 4 magic bytes `k8s\\0` and then a `runtime.Unknown` envelope whose
`raw` field holds the object's message. The messages come from the official
protobuf runtime, built from a FileDescriptorSet that apigen compiled from the
package's `.proto` (it keeps Kubernetes' field numbers) and embedded in the
generated `_proto.py`: no hand-written wire code, no protoc at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"

__all__ = ["MAGIC", "MEDIA_TYPE", "ProtobufCodec", "ProtobufError"]


class ProtobufError(ValueError):
    """The body is not a well-formed Kubernetes protobuf object."""


class ProtobufCodec:
    """Enveloped objects of the messages `objects` (by kind) of a descriptor set.

    `envelope` is the full name of `runtime.Unknown`, `time` that of `metav1.Time`,
    `status` that of `metav1.Status` when the descriptor set declares it (error bodies).
    """

    def __init__(
        self,
        descriptor_set: bytes,
        objects: dict[str, str],
        envelope: str,
        time: str,
        status: str = "",
    ) -> None:
        pool = descriptor_pool.DescriptorPool()
        for file in descriptor_pb2.FileDescriptorSet.FromString(descriptor_set).file:
            pool.Add(file)

        def message_class(name: str) -> type[Message]:
            return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))

        self._envelope = message_class(envelope)
        self._objects = {kind: message_class(name) for kind, name in objects.items()}
        self._time = time
        self._status = message_class(status) if status else None

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self._objects)

    def decode(self, body: bytes) -> dict[str, Any]:
        """The JSON form of an enveloped object, `apiVersion` and `kind` included."""
        if not body.startswith(MAGIC):
            raise ProtobufError("the body does not start with the Kubernetes protobuf prefix")
        try:
            envelope: Any = self._envelope.FromString(body[len(MAGIC) :])
            if envelope.contentEncoding:
                raise ProtobufError(f"unsupported content encoding {envelope.contentEncoding!r}")
            type_meta = self.message_to_dict(envelope.typeMeta)
            message = self._object_class(type_meta.get("kind"))
            obj = message.FromString(envelope.raw)
        except DecodeError as exc:
            raise ProtobufError(f"invalid protobuf: {exc}") from None
        return {**type_meta, **self.message_to_dict(obj)}

    def encode(self, data: dict[str, Any]) -> bytes:
        """`data`, the JSON form of an object, enveloped as kube-apiserver sends it."""
        envelope: Any = self._envelope()
        type_meta = {"apiVersion": data.get("apiVersion"), "kind": data.get("kind")}
        self.dict_to_message(type_meta, envelope.typeMeta)
        message = self.dict_to_message(data, self._object_class(data.get("kind"))())
        envelope.raw = message.SerializeToString(deterministic=True)
        serialized: bytes = envelope.SerializeToString(deterministic=True)
        return MAGIC + serialized

    def can_encode(self, data: dict[str, Any]) -> bool:
        return data.get("kind") in self._objects

    def can_encode_status(self) -> bool:
        return self._status is not None

    def encode_status(self, status: dict[str, Any]) -> bytes:
        """An error `Status` (its JSON form) enveloped as kube-apiserver sends it in protobuf."""
        if self._status is None:
            raise ProtobufError("the .proto declares no Status message")
        message: Any = self.dict_to_message(status, self._status())
        message.metadata.SetInParent()
        if status.get("details") is not None:
            message.details.SetInParent()
        envelope: Any = self._envelope()
        self.dict_to_message({"apiVersion": "v1", "kind": "Status"}, envelope.typeMeta)
        envelope.raw = message.SerializeToString(deterministic=True)
        serialized: bytes = envelope.SerializeToString(deterministic=True)
        return MAGIC + serialized

    def _object_class(self, kind: Any) -> type[Message]:
        if kind in self._objects:
            return self._objects[kind]
        if not kind and len(self._objects) == 1:  # an envelope that leaves the kind out
            return next(iter(self._objects.values()))
        raise ProtobufError(f"no protobuf message for kind {kind!r}")

    def message_to_dict(self, message: Message) -> dict[str, Any]:
        """The JSON form of a message, as Go's JSON encoder writes the same object.

        Go writes every non-pointer string of a message, so an empty string on the
        wire means "unset" (`omitempty` in JSON); numbers keep their presence.
        """
        data: dict[str, Any] = {}
        for field in _fields(message):
            value = getattr(message, field.name)
            if _is_map(field) or field.is_repeated:
                if value:
                    data[field.json_name] = (
                        dict(value) if _is_map(field) else [self._to_json(field, v) for v in value]
                    )
            elif message.HasField(field.name) and value != "":
                converted = self._to_json(field, value)
                if converted is not None:
                    data[field.json_name] = converted
        return data

    def dict_to_message(self, data: dict[str, Any], message: Message) -> Message:
        """Fill `message` from the JSON form `data`; unknown keys and nulls are skipped."""
        for field in _fields(message):
            value = data.get(field.json_name)
            if value is None:
                continue
            target = getattr(message, field.name)
            if _is_map(field):
                target.update(value)
            elif field.is_repeated and field.message_type is not None:
                for item in value:
                    self.dict_to_message(item, target.add())
            elif field.is_repeated:
                target.extend(value)
            elif field.message_type is not None and field.message_type.full_name == self._time:
                _set_time(target, value)
            elif field.message_type is not None:
                self.dict_to_message(value, target)
            else:
                setattr(message, field.name, value)
        return message

    def _to_json(self, field: FieldDescriptor, value: Any) -> Any:
        if field.message_type is None:
            return value
        if field.message_type.full_name == self._time:
            return _time_to_json(value)
        return self.message_to_dict(value)


def _fields(message: Message) -> Sequence[FieldDescriptor]:
    # The stubs type DESCRIPTOR as a union with the C implementation's class, which has the same
    # interface.
    descriptor: Descriptor = message.DESCRIPTOR  # type: ignore[assignment]
    return descriptor.fields


def _is_map(field: FieldDescriptor) -> bool:
    entry: Descriptor | None = field.message_type
    return entry is not None and entry.GetOptions().map_entry


def _time_to_json(time: Any) -> str | None:
    """RFC 3339 in UTC with `Z`, as metav1.Time; the zero time is null."""
    seconds = time.seconds
    if not seconds:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _set_time(time: Any, value: str) -> None:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    time.seconds = int(moment.timestamp())
