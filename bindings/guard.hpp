// SPDX-License-Identifier: Apache-2.0
// Python may call one model object from several threads, and the bound methods release the GIL,
// so fit() on one thread could rewrite a model that predict_proba() reads on another (SIGSEGV),
// and save() could serialise half of it. The C++ contract is the standard library's (const calls
// may overlap; fit and assignment may not overlap anything, perche/classify.hpp); the bindings
// uphold it for Python:
//   - every call takes the object's reader-writer lock: shared for reads, exclusive to publish;
//   - fit() trains a new object without any lock and publishes it by a move under the exclusive
//     lock, so readers see the old model or the new one, never a mix, and are not blocked while
//     it trains;
//   - a lock is taken only with the GIL released, and no Python API is used while it is held
//     (no thread ever waits for the GIL while holding a lock: no deadlock with the interpreter).
// The locks live in a fixed table indexed by the object's address: an object's lock never changes
// while it lives, two live objects rarely share one, and a call never holds two at once.
#pragma once

#include <pybind11/pybind11.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <utility>

namespace perche_py {

inline std::shared_mutex& lock_of(const void* object) {
  static std::array<std::shared_mutex, 64> locks;
  const auto a = reinterpret_cast<std::uintptr_t>(object);
  return locks[(a >> 4 ^ a >> 10) % locks.size()];
}

// fn() under `object`'s shared lock. Call with the GIL released; fn must not touch Python objects.
// Returns fn's value (a copy out of the object, so that it outlives the lock).
template <class Fn>
auto shared(const void* object, Fn&& fn) {
  std::shared_lock lock(lock_of(object));
  return fn();
}

// Publishes a newly built object: `object` = fresh under the exclusive lock (the old contents are
// destroyed there too). Call with the GIL released.
template <class T>
void replace(T& object, T&& fresh) {
  std::unique_lock lock(lock_of(&object));
  object = std::move(fresh);
}

// A read: fn() with the GIL released and the shared lock held.
template <class Fn>
auto read(const void* object, Fn&& fn) {
  pybind11::gil_scoped_release release;
  return shared(object, std::forward<Fn>(fn));
}

}  // namespace perche_py
