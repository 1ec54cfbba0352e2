//! The room table: values keyed by room id live in a slab (a vector with reused slots) and a
//! small hash index maps room ids to slots. The engine keeps its rooms in one, the workload its
//! per-room plans. Rooms never move while they live, the index entries are 16 bytes, and
//! removing a room frees its slot for the next one — so the table stays as small as the number
//! of rooms held (open rooms plus the recently closed), whatever the horizon.
//!
//! Handling one event looks its room up many times (state change, each message, assignment,
//! timers), so the table remembers the last id it resolved: those repeated lookups skip the
//! hash probe.

use std::cell::Cell;

use super::IdMap;
use super::room::{Room, RoomId};

/// The engine's rooms.
pub type Rooms = RoomTable<Room>;

/// Values by room id.
#[derive(Debug, Clone)]
pub struct RoomTable<V> {
    index: IdMap<RoomId, u32>,
    slots: Vec<Option<V>>,
    free: Vec<u32>,
    /// The last id resolved and its slot (cleared when that room leaves).
    last: Cell<Option<(RoomId, u32)>>,
}

impl<V> Default for RoomTable<V> {
    fn default() -> Self {
        RoomTable { index: IdMap::default(), slots: Vec::new(), free: Vec::new(), last: Cell::new(None) }
    }
}

impl<V> RoomTable<V> {
    /// The slot of a room, from the remembered last lookup or the index.
    #[inline]
    fn slot(&self, id: &RoomId) -> Option<u32> {
        if let Some((last, slot)) = self.last.get()
            && last == *id
        {
            return Some(slot);
        }
        let &slot = self.index.get(id)?;
        self.last.set(Some((*id, slot)));
        Some(slot)
    }

    /// A room by id.
    #[inline]
    pub fn get(&self, id: &RoomId) -> Option<&V> {
        let slot = self.slot(id)?;
        self.slots.get(slot as usize)?.as_ref()
    }

    /// A room by id, mutable.
    #[inline]
    pub fn get_mut(&mut self, id: &RoomId) -> Option<&mut V> {
        let slot = self.slot(id)?;
        self.slots.get_mut(slot as usize)?.as_mut()
    }

    /// Whether the id is held.
    #[inline]
    pub fn contains_key(&self, id: &RoomId) -> bool {
        self.index.contains_key(id)
    }

    /// Adds a room (its id must not be held).
    #[inline]
    pub fn insert(&mut self, id: RoomId, room: V) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(room);
                s
            }
            None => {
                self.slots.push(Some(room));
                (self.slots.len() - 1) as u32
            }
        };
        if let Some(old) = self.index.insert(id, slot) {
            // An id held twice would leak its slot; free it (the engine rejects duplicates first).
            self.slots[old as usize] = None;
            self.free.push(old);
        }
        self.last.set(Some((id, slot)));
    }

    /// Removes a room.
    #[inline]
    pub fn remove(&mut self, id: &RoomId) -> Option<V> {
        let slot = self.index.remove(id)?;
        if self.last.get().is_some_and(|(last, _)| last == *id) {
            self.last.set(None);
        }
        let room = self.slots.get_mut(slot as usize)?.take();
        self.free.push(slot);
        room
    }

    /// Every room held, in no particular order (callers sort when order matters).
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.slots.iter().filter_map(|s| s.as_ref())
    }

    /// Every room held, mutable, in no particular order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.slots.iter_mut().filter_map(|s| s.as_mut())
    }

    /// Rooms held.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// No room held.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}
