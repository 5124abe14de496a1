/**
 * Object signals with their zircon values (zircon/types.h). The same low bits
 * mean different things per object type, hence the per-type aliases. Signals
 * are uint32 like rights; user signal 7 is bit 31, written as 0x80000000.
 */
export const ZX_SIGNAL_NONE = 0;

const OBJECT_READABLE = 1 << 0;
const OBJECT_WRITABLE = 1 << 1;
const OBJECT_PEER_CLOSED = 1 << 2;
const OBJECT_SIGNALED = 1 << 3;

/** Set on a wait that was pending when its own handle was closed. */
export const ZX_SIGNAL_HANDLE_CLOSED = 1 << 23;

export const ZX_USER_SIGNAL_0 = 1 << 24;
export const ZX_USER_SIGNAL_1 = 1 << 25;
export const ZX_USER_SIGNAL_2 = 1 << 26;
export const ZX_USER_SIGNAL_3 = 1 << 27;
export const ZX_USER_SIGNAL_4 = 1 << 28;
export const ZX_USER_SIGNAL_5 = 1 << 29;
export const ZX_USER_SIGNAL_6 = 1 << 30;
export const ZX_USER_SIGNAL_7 = 0x8000_0000;
export const ZX_USER_SIGNAL_ALL = 0xff00_0000;

export const ZX_EVENT_SIGNALED = OBJECT_SIGNALED;
/** The only signals zx_object_signal may change on an event. */
export const ZX_EVENT_SIGNAL_MASK = (ZX_USER_SIGNAL_ALL | OBJECT_SIGNALED) >>> 0;

export const ZX_EVENTPAIR_SIGNALED = OBJECT_SIGNALED;
export const ZX_EVENTPAIR_PEER_CLOSED = OBJECT_PEER_CLOSED;

export const ZX_CHANNEL_READABLE = OBJECT_READABLE;
export const ZX_CHANNEL_WRITABLE = OBJECT_WRITABLE;
export const ZX_CHANNEL_PEER_CLOSED = OBJECT_PEER_CLOSED;

export const ZX_FIFO_READABLE = OBJECT_READABLE;
export const ZX_FIFO_WRITABLE = OBJECT_WRITABLE;
export const ZX_FIFO_PEER_CLOSED = OBJECT_PEER_CLOSED;
