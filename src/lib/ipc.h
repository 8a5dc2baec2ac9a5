/*
 * ipc.h - framed, typed messages between Roost processes.
 *
 * A frame is: uint32 payload length (network order), uint16 message type,
 * payload.  The payload is a sequence of typed fields written with the
 * ipc_put_* functions and read back with the ipc_get_* functions, which
 * check every length (OpenSMTPD's mproc idea): a short or malformed frame
 * makes the getter fail, and ipc_get_end() fails if bytes are left over.
 * Field encodings: u32/u64 fixed width network order; str = u32 length +
 * bytes (no NUL); data = u32 length + bytes.
 *
 * Frames are small: header plus payload is at most IPC_FRAME_MAX bytes.
 * An fd may travel with a frame over a UNIX socket (fdpass.h), attached to
 * the frame's first byte.  docs/ipc/framing.md has the details; message
 * types and field orders are defined per link in its *-interface.h.
 */
#ifndef ROOST_IPC_H
#define ROOST_IPC_H

#define IPC_FRAME_MAX (64 * 1024)
#define IPC_HEADER_SIZE 6

struct buf;

struct ipc_writer {
	struct buf *buf;
	size_t start;
	/* Set when a put did not fit; ipc_end() then fails. */
	bool failed;
};

/* Starts a frame of type at the end of buf (never fails itself: a failure
   to fit is reported by ipc_end()).  Puts append fields in order. */
void ipc_begin(struct ipc_writer *w, struct buf *buf, uint16_t type);
void ipc_put_u32(struct ipc_writer *w, uint32_t value);
void ipc_put_u64(struct ipc_writer *w, uint64_t value);
void ipc_put_str(struct ipc_writer *w, const char *str);
void ipc_put_data(struct ipc_writer *w, const void *data, size_t size);
/* Fills in the length; returns -1 if the frame exceeds IPC_FRAME_MAX or
   the buffer's max, and then removes the partial frame from buf (buf is
   as before ipc_begin). */
int ipc_end(struct ipc_writer *w) ATTR_NODISCARD;

struct ipc_reader {
	uint16_t type;
	const unsigned char *data;
	size_t size, pos;
	bool failed;
};

/*
 * Parses one frame from the front of data.  Returns the frame's total
 * size (>0) with *reader_r set (pointing into data, so data must stay
 * valid while reading), 0 when more bytes are needed, -1 when the header
 * is invalid (header + payload over IPC_FRAME_MAX: the stream can't be
 * resynchronised, so close the connection).  The caller consumes the
 * returned size.
 */
ssize_t ipc_frame_parse(const void *data, size_t size,
	struct ipc_reader *reader_r);
/* Getters return 0, or -1 when the field is missing/short (sticky: every
   later getter and ipc_get_end() fail too). Strings are copied into arena
   and NUL-terminated; NULs inside fail.  Data points into the frame. */
int ipc_get_u32(struct ipc_reader *r, uint32_t *value_r);
int ipc_get_u64(struct ipc_reader *r, uint64_t *value_r);
int ipc_get_str(struct ipc_reader *r, struct arena *arena,
	const char **str_r);
int ipc_get_data(struct ipc_reader *r, const void **data_r, size_t *size_r);
/* 0 when every byte was consumed and no getter failed, else -1. */
int ipc_get_end(struct ipc_reader *r);

#endif
