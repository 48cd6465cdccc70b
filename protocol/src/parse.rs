//! The one-pass reader of request frames: the envelope and the tagged body
//! read straight from the text. The derived reader of [`Request`] (kept as
//! the reference, and for frames this one does not take on) buffers every
//! frame twice: once for `#[serde(flatten)]`, once more for the `type` tag.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};

use crate::client::{ClientMessage, Request};
use crate::kinds::Phase;
use crate::parse_body::Body;

/// Reads `text` as a request in one pass, or fails. It fails on every
/// frame the derived reader refuses, and also on a few it does not take on
/// (a body field before `type`, an escaped `type`): the caller then asks
/// the derived reader, which gives the answer and its error message. When
/// it succeeds, the request is the one the derived reader would give.
pub(crate) fn read(text: &str) -> Result<Request, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let request = de.deserialize_map(Frame)?;
    de.end()?;
    Ok(request)
}

/// The envelope fields seen so far; `Some` once seen (a second is refused,
/// as by the derived reader).
#[derive(Default)]
struct Envelope {
    req: Option<Option<u64>>,
    round: Option<Option<u32>>,
    phase: Option<Option<Phase>>,
    retry: Option<bool>,
}

fn set<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

impl Envelope {
    /// Reads the value of an envelope key; `false` for any other key.
    fn take<'de, A: MapAccess<'de>>(
        &mut self,
        key: &Key<'_>,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            Key::Req => set(&mut self.req, "req", map.next_value()?)?,
            Key::Round => set(&mut self.round, "round", map.next_value()?)?,
            Key::Phase => set(&mut self.phase, "phase", map.next_value()?)?,
            Key::Retry => set(&mut self.retry, "retry", map.next_value()?)?,
            Key::Type | Key::Other(_) => return Ok(false),
        }
        Ok(true)
    }

    fn request(self, body: ClientMessage) -> Request {
        Request {
            req: self.req.flatten(),
            round: self.round.flatten(),
            phase: self.phase.flatten(),
            retry: self.retry.unwrap_or(false),
            body,
        }
    }
}

/// A key of the frame, unescaped.
enum Key<'de> {
    Req,
    Round,
    Phase,
    Retry,
    Type,
    Other(Cow<'de, str>),
}

impl<'de> Key<'de> {
    fn of(name: Cow<'de, str>) -> Key<'de> {
        match &*name {
            "req" => Key::Req,
            "round" => Key::Round,
            "phase" => Key::Phase,
            "retry" => Key::Retry,
            "type" => Key::Type,
            _ => Key::Other(name),
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::of(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::of(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Any JSON value, read in full and dropped: an ignored field is checked
/// exactly as the derived reader checks it (it buffers the value, so a
/// bad escape or too deep a nesting is refused), without keeping it.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Checked)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Checked;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// The frame: envelope fields, then `type`, then the body's fields mixed
/// with more envelope fields.
struct Frame;

impl<'de> Visitor<'de> for Frame {
    type Value = Request;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a request object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Request, A::Error> {
        let mut envelope = Envelope::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if envelope.take(&key, &mut map)? {
                continue;
            }
            if !matches!(key, Key::Type) {
                return Err(de::Error::custom("a body field before `type`"));
            }
            let kind: &'de str = map.next_value()?;
            let body = Body::deserialize(Tagged {
                kind,
                map: &mut map,
                envelope: &mut envelope,
            })?;
            return Ok(envelope.request(body));
        }
        Err(de::Error::missing_field("type"))
    }
}

/// The rest of the frame as an externally tagged enum: `type` names the
/// variant, the remaining fields are its content.
struct Tagged<'a, 'de, A> {
    kind: &'de str,
    map: &'a mut A,
    envelope: &'a mut Envelope,
}

impl<'a, 'de, A: MapAccess<'de>> Tagged<'a, 'de, A> {
    /// The next key the body may see (envelope fields are read on the way;
    /// a field `known` does not name is checked and dropped).
    fn next(&mut self, known: &[&str]) -> Result<Option<Cow<'de, str>>, A::Error> {
        while let Some(key) = self.map.next_key::<Key<'de>>()? {
            if self.envelope.take(&key, self.map)? {
                continue;
            }
            match key {
                Key::Other(name) if known.contains(&&*name) => return Ok(Some(name)),
                Key::Other(_) => {
                    self.map.next_value::<Checked>()?;
                }
                _ => return Err(de::Error::duplicate_field("type")),
            }
        }
        Ok(None)
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Tagged<'_, 'de, A> {
    type Error = A::Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> de::EnumAccess<'de> for Tagged<'_, 'de, A> {
    type Error = A::Error;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), A::Error> {
        let variant = seed.deserialize(BorrowedStrDeserializer::new(self.kind))?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>> de::VariantAccess<'de> for Tagged<'_, 'de, A> {
    type Error = A::Error;
    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.next(&[])?.is_some() {}
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, A::Error> {
        Err(de::Error::custom("no request is a newtype variant"))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("no request is a tuple variant"))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(Fields {
            tagged: self,
            fields,
        })
    }
}

/// A struct variant's fields, as the body's derived reader asks for them.
struct Fields<'a, 'de, A> {
    tagged: Tagged<'a, 'de, A>,
    fields: &'static [&'static str],
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Fields<'_, 'de, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.tagged.next(self.fields)? {
            None => Ok(None),
            Some(Cow::Borrowed(name)) => seed
                .deserialize(BorrowedStrDeserializer::new(name))
                .map(Some),
            Some(Cow::Owned(name)) => seed.deserialize(StringDeserializer::new(name)).map(Some),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.tagged.map.next_value_seed(seed)
    }
}
