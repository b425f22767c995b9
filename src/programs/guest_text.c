/* Where the guests' code is, for the host signal handler.
 *
 * The guest build links each program's code into one section named
 * tvm_guest_text (guestbuild's link step); the static linker defines
 * __start_/__stop_ symbols for a section whose name is a C identifier.
 * The references are weak because a binary may link no guest at all
 * (the runtime's own test binaries), and then the range is empty. */
extern const char __start_tvm_guest_text[] __attribute__((weak));
extern const char __stop_tvm_guest_text[] __attribute__((weak));

const char *tvm_guest_text_start(void) { return __start_tvm_guest_text; }
const char *tvm_guest_text_end(void) { return __stop_tvm_guest_text; }
