//! <stdio.h>: streams (the runtime's own `FILE`, see `crt::stdio`), and the
//! calls that touch the filesystem. The variadic and formatted entry points
//! (`printf`, `scanf` families, `dprintf`) are in stdio_glue.c and
//! variadic.c, which format with the host C library and call
//! `tvm_stdio_put`.

use crate::platform::c as libc;
use std::ffi::{c_char, c_int, c_long, c_uint, c_void, CStr};

use libc::FILE;

use super::{buf, buf_mut, cstr, me, sys};
use crate::crt::shell;
use crate::crt::stdio::stream::{Stream, F_EOF, F_ERROR};
use crate::crt::stdio::{self, open};
use crate::kernel::fs::ops as fsops;
use crate::kernel::{Errno, KResult};

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/rename.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_rename(old: *const c_char, new: *const c_char) -> c_int {
    // SAFETY: forwards the caller's paths.
    unsafe { tvm_renameat2(libc::AT_FDCWD, old, libc::AT_FDCWD, new, 0) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/renameat.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_renameat(olddir: c_int, old: *const c_char, newdir: c_int, new: *const c_char) -> c_int {
    // SAFETY: forwards the caller's paths.
    unsafe { tvm_renameat2(olddir, old, newdir, new, 0) }
}

/// renameat2(2) (Linux).
#[no_mangle]
pub unsafe extern "C" fn tvm_renameat2(
    olddir: c_int,
    old: *const c_char,
    newdir: c_int,
    new: *const c_char,
    flags: c_uint,
) -> c_int {
    sys("renameat2", || {
        // SAFETY: the caller passes NUL-terminated paths.
        let (o, n) = unsafe { (cstr(old)?, cstr(new)?) };
        fsops::renameat2(me(), olddir, o, newdir, n, flags).map(|()| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/remove.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_remove(path: *const c_char) -> c_int {
    sys("remove", || {
        // SAFETY: the caller passes a NUL-terminated path.
        let p = unsafe { cstr(path) }?;
        let task = me();
        match fsops::unlinkat(task, libc::AT_FDCWD, p, 0) {
            Err(Errno::EISDIR) => fsops::unlinkat(task, libc::AT_FDCWD, p, libc::AT_REMOVEDIR),
            r => r,
        }
        .map(|()| 0)
    })
}

// ---- Streams (the runtime's FILE, `crt::stdio`) ----

use super::stream_call_value as stream_call;

fn file(f: *mut FILE) -> KResult<&'static mut Stream> {
    stdio::check(f)
}

/// The guest's `stdin` (0), `stdout` (1) or `stderr` (2).
fn std_file(which: usize) -> KResult<*mut FILE> {
    let loc = stdio::std_location(which)?;
    // SAFETY: the location lives in the task's state.
    Ok(unsafe { *loc }.cast())
}

fn std_stream(which: usize) -> KResult<&'static mut Stream> {
    file(std_file(which)?)
}

fn as_file(s: *mut Stream) -> *mut FILE {
    s.cast()
}

/// Where the guest's `stdin` (0), `stdout` (1), `stderr` (2) live.
#[no_mangle]
pub extern "C" fn tvm_std_stream_location(which: c_int) -> *mut *mut FILE {
    stream_call("stdio", std::ptr::null_mut(), || {
        let w = usize::try_from(which).ok().filter(|&w| w < 3).ok_or(Errno::EINVAL)?;
        Ok(stdio::std_location(w)?.cast())
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fopen.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fopen(path: *const c_char, mode: *const c_char) -> *mut FILE {
    // SAFETY: the caller passes NUL-terminated strings.
    stream_call("fopen", std::ptr::null_mut(), || {
        open::fopen(unsafe { cstr(path)? }, unsafe { cstr(mode)? }).map(as_file)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fdopen.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fdopen(fd: c_int, mode: *const c_char) -> *mut FILE {
    // SAFETY: the caller passes a NUL-terminated mode.
    stream_call("fdopen", std::ptr::null_mut(), || open::fdopen(fd, unsafe { cstr(mode)? }).map(as_file))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/freopen.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_freopen(path: *const c_char, mode: *const c_char, f: *mut FILE) -> *mut FILE {
    stream_call("freopen", std::ptr::null_mut(), || {
        let s = file(f)?;
        // SAFETY: the caller passes NUL-terminated strings (path may be null).
        let (p, m) = unsafe { ((!path.is_null()).then(|| CStr::from_ptr(path)), cstr(mode)?) };
        // SAFETY: `s` is a live stream of this task.
        unsafe { open::freopen(p, m, s) }.map(as_file)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fclose.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fclose(f: *mut FILE) -> c_int {
    stream_call("fclose", libc::EOF, || match stdio::target(f)? {
        // SAFETY: `s` is a live stream of this task; the guest gives it up.
        stdio::Target::Live(s) => unsafe { open::fclose(s) }.map(|()| 0),
        // Closed when the interrupted operation using it has returned.
        stdio::Target::Busy(s, _) => stdio::busy::defer_close(s).then_some(0).ok_or(Errno::EAGAIN),
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fflush.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fflush(f: *mut FILE) -> c_int {
    stream_call("fflush", libc::EOF, || {
        if f.is_null() {
            return stdio::flush_all().map(|()| 0);
        }
        match stdio::target(f)? {
            stdio::Target::Live(s) => s.flush().map(|()| 0),
            // Its pending bytes are the interrupted operation's to write.
            stdio::Target::Busy(..) => Ok(0),
        }
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fread.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fread(p: *mut c_void, size: usize, n: usize, f: *mut FILE) -> usize {
    stream_call("fread", 0, || {
        let s = file(f)?;
        let total = size.checked_mul(n).ok_or(Errno::EOVERFLOW)?;
        if total == 0 {
            return Ok(0);
        }
        // SAFETY: the caller provides `size * n` writable bytes.
        let into = unsafe { buf_mut(p, total) }?;
        Ok(s.read(into)? / size)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fwrite.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fwrite(p: *const c_void, size: usize, n: usize, f: *mut FILE) -> usize {
    stream_call("fwrite", 0, || {
        let total = size.checked_mul(n).ok_or(Errno::EOVERFLOW)?;
        if total == 0 {
            return Ok(0);
        }
        // SAFETY: the caller provides `size * n` readable bytes.
        let bytes = unsafe { buf(p, total) }?;
        Ok(stdio::write(f, bytes)? / size)
    })
}

fn getc_from(s: KResult<&'static mut Stream>) -> KResult<c_int> {
    Ok(s?.getc()?.map_or(libc::EOF, c_int::from))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fgetc.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fgetc(f: *mut FILE) -> c_int {
    stream_call("fgetc", libc::EOF, || getc_from(file(f)))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getc.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getc(f: *mut FILE) -> c_int {
    stream_call("getc", libc::EOF, || getc_from(file(f)))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getchar.html>
#[no_mangle]
pub extern "C" fn tvm_getchar() -> c_int {
    stream_call("getchar", libc::EOF, || getc_from(std_stream(0)))
}

fn putc_to(c: c_int, f: KResult<*mut FILE>) -> KResult<c_int> {
    let b = c as u8;
    stdio::write(f?, &[b])?;
    Ok(c_int::from(b))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fputc.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fputc(c: c_int, f: *mut FILE) -> c_int {
    stream_call("fputc", libc::EOF, || putc_to(c, Ok(f)))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/putc.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_putc(c: c_int, f: *mut FILE) -> c_int {
    stream_call("putc", libc::EOF, || putc_to(c, Ok(f)))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/putchar.html>
#[no_mangle]
pub extern "C" fn tvm_putchar(c: c_int) -> c_int {
    stream_call("putchar", libc::EOF, || putc_to(c, std_file(1)))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fgets.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fgets(p: *mut c_char, n: c_int, f: *mut FILE) -> *mut c_char {
    stream_call("fgets", std::ptr::null_mut(), || {
        let s = file(f)?;
        let n = usize::try_from(n).map_err(|_| Errno::EINVAL)?;
        if n == 0 {
            return Err(Errno::EINVAL);
        }
        // SAFETY: the caller provides `n` writable bytes.
        let out = unsafe { buf_mut(p.cast(), n) }?;
        let mut len = 0;
        while len + 1 < n {
            match s.getc() {
                Ok(Some(b)) => {
                    out[len] = b;
                    len += 1;
                    if b == b'\n' {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) if len == 0 => return Err(e),
                Err(_) => return Ok(std::ptr::null_mut()),
            }
        }
        if len == 0 && n > 1 {
            return Ok(std::ptr::null_mut());
        }
        out[len] = 0;
        Ok(p)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fputs.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fputs(str: *const c_char, f: *mut FILE) -> c_int {
    stream_call("fputs", libc::EOF, || {
        // SAFETY: the caller passes a NUL-terminated string.
        stdio::write(f, unsafe { cstr(str)? }.to_bytes())?;
        Ok(1)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/puts.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_puts(str: *const c_char) -> c_int {
    stream_call("puts", libc::EOF, || {
        let out = std_file(1)?;
        // SAFETY: the caller passes a NUL-terminated string.
        let bytes = unsafe { cstr(str)? }.to_bytes();
        stdio::write(out, bytes)?;
        stdio::write(out, b"\n")?;
        Ok(c_int::try_from(bytes.len() + 1).unwrap_or(c_int::MAX))
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ungetc.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_ungetc(c: c_int, f: *mut FILE) -> c_int {
    stream_call("ungetc", libc::EOF, || {
        let s = file(f)?;
        if c == libc::EOF {
            return Ok(libc::EOF);
        }
        s.ungetc(c as u8)?;
        Ok(c_int::from(c as u8))
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getdelim.html>
/// The line grows in the task's arena (the guest frees it).
#[no_mangle]
pub unsafe extern "C" fn tvm_getdelim(line: *mut *mut c_char, cap: *mut usize, delim: c_int, f: *mut FILE) -> isize {
    stream_call("getdelim", -1, || {
        if line.is_null() || cap.is_null() {
            return Err(Errno::EINVAL);
        }
        let s = file(f)?;
        // SAFETY: non-null out-parameters from the caller.
        let (line, cap) = unsafe { (&mut *line, &mut *cap) };
        if line.is_null() {
            *cap = 0;
        }
        let mut len = 0usize;
        let mut sink = |bytes: &[u8]| -> KResult<()> {
            let need = len + bytes.len() + 1;
            if need > *cap {
                let new_cap = need.max(120).next_power_of_two();
                // SAFETY: `*line` is null or the guest's heap block.
                let p = unsafe { super::malloc::tvm_realloc((*line).cast(), new_cap) };
                if p.is_null() {
                    return Err(Errno::ENOMEM);
                }
                *line = p.cast();
                *cap = new_cap;
            }
            // SAFETY: `*line` has room for `need` bytes.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), (*line).cast::<u8>().add(len), bytes.len()) };
            len += bytes.len();
            Ok(())
        };
        let n = s.read_until(delim as u8, &mut sink)?;
        if n == 0 {
            return Ok(-1);
        }
        // SAFETY: the sink left room for the terminator.
        unsafe { *(*line).add(len) = 0 };
        isize::try_from(len).map_err(|_| Errno::EOVERFLOW)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/getline.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_getline(line: *mut *mut c_char, cap: *mut usize, f: *mut FILE) -> isize {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_getdelim(line, cap, c_int::from(b'\n'), f) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/perror.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_perror(prefix: *const c_char) {
    super::no_unwind("perror", || {
        let err = Errno::last_raw();
        // SAFETY: strerror returns a NUL-terminated string; the caller
        // passes null or a NUL-terminated prefix.
        unsafe { prefixed_to_stderr(prefix, CStr::from_ptr(libc::strerror(err))) };
        Errno::set_raw(err);
    })
}

/// Writes "PREFIX: text\n" (just "text\n" for a null or empty prefix) on
/// the task's stderr: the format of perror and psignal.
///
/// # Safety
/// `prefix` must be null or a NUL-terminated string.
unsafe fn prefixed_to_stderr(prefix: *const c_char, text: &CStr) {
    let text = text.to_bytes();
    let mut msg = Vec::with_capacity(text.len() + 64);
    // SAFETY: per the caller.
    if let Some(p) = unsafe { (!prefix.is_null()).then(|| CStr::from_ptr(prefix)) } {
        if !p.is_empty() {
            msg.extend_from_slice(p.to_bytes());
            msg.extend_from_slice(b": ");
        }
    }
    msg.extend_from_slice(text);
    msg.push(b'\n');
    to_stderr(&msg);
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setvbuf.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_setvbuf(f: *mut FILE, b: *mut c_char, mode: c_int, size: usize) -> c_int {
    stream_call("setvbuf", libc::EOF, || file(f)?.set_buffering(b.cast(), mode, size).map(|()| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/setbuf.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_setbuf(f: *mut FILE, b: *mut c_char) {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_setbuffer(f, b, libc::BUFSIZ as usize) };
}

/// setbuffer(3) (BSD).
#[no_mangle]
pub unsafe extern "C" fn tvm_setbuffer(f: *mut FILE, b: *mut c_char, size: usize) {
    let mode = if b.is_null() { libc::_IONBF } else { libc::_IOFBF };
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_setvbuf(f, b, mode, size) };
}

/// setlinebuf(3) (BSD).
#[no_mangle]
pub unsafe extern "C" fn tvm_setlinebuf(f: *mut FILE) {
    // SAFETY: forwards the caller's stream.
    unsafe { tvm_setvbuf(f, std::ptr::null_mut(), libc::_IOLBF, 0) };
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fseek.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fseeko(f: *mut FILE, off: libc::off_t, whence: c_int) -> c_int {
    stream_call("fseeko", -1, || file(f)?.seek(off, whence).map(|_| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fseek.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fseek(f: *mut FILE, off: c_long, whence: c_int) -> c_int {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_fseeko(f, off as libc::off_t, whence) }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ftell.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_ftello(f: *mut FILE) -> libc::off_t {
    stream_call("ftello", -1, || file(f)?.tell())
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ftell.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_ftell(f: *mut FILE) -> c_long {
    // SAFETY: forwards the caller's stream.
    unsafe { tvm_ftello(f) as c_long }
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/rewind.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_rewind(f: *mut FILE) {
    stream_call("rewind", (), || {
        let s = file(f)?;
        s.seek(0, libc::SEEK_SET)?;
        s.flags &= !F_ERROR;
        Ok(())
    });
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fgetpos.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fgetpos(f: *mut FILE, pos: *mut libc::fpos_t) -> c_int {
    stream_call("fgetpos", -1, || {
        let at = file(f)?.tell()?;
        if pos.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: a non-null fpos_t from the caller; its first field is the
        // offset (glibc's layout), the shift state stays zero.
        unsafe {
            std::ptr::write_bytes(pos, 0, 1);
            pos.cast::<libc::off_t>().write(at);
        }
        Ok(0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fsetpos.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fsetpos(f: *mut FILE, pos: *const libc::fpos_t) -> c_int {
    stream_call("fsetpos", -1, || {
        let s = file(f)?;
        if pos.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: as in fgetpos.
        let at = unsafe { pos.cast::<libc::off_t>().read() };
        s.seek(at, libc::SEEK_SET).map(|_| 0)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/feof.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_feof(f: *mut FILE) -> c_int {
    stream_call("feof", 0, || Ok((file(f)?.flags & F_EOF != 0) as c_int))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ferror.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_ferror(f: *mut FILE) -> c_int {
    stream_call("ferror", 0, || Ok((file(f)?.flags & F_ERROR != 0) as c_int))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/clearerr.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_clearerr(f: *mut FILE) {
    stream_call("clearerr", (), || {
        file(f)?.flags &= !(F_EOF | F_ERROR);
        Ok(())
    });
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fileno.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fileno(f: *mut FILE) -> c_int {
    stream_call("fileno", -1, || match stdio::target(f)? {
        stdio::Target::Live(s) => s.fd().ok_or(Errno::EBADF),
        stdio::Target::Busy(_, fd) => (fd >= 0).then_some(fd).ok_or(Errno::EBADF),
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/flockfile.html>
/// A task has one thread: there is nobody to exclude.
#[no_mangle]
pub unsafe extern "C" fn tvm_flockfile(_f: *mut FILE) {}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/funlockfile.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_funlockfile(_f: *mut FILE) {}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/ftrylockfile.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_ftrylockfile(f: *mut FILE) -> c_int {
    stream_call("ftrylockfile", -1, || file(f).map(|_| 0))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tmpfile.html>
#[no_mangle]
pub extern "C" fn tvm_tmpfile() -> *mut FILE {
    stream_call("tmpfile", std::ptr::null_mut(), || open::tmpfile().map(as_file))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/open_memstream.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_open_memstream(bufp: *mut *mut c_char, sizep: *mut usize) -> *mut FILE {
    stream_call("open_memstream", std::ptr::null_mut(), || open::open_memstream(bufp, sizep).map(as_file))
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/fmemopen.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_fmemopen(b: *mut c_void, size: usize, mode: *const c_char) -> *mut FILE {
    // SAFETY: the caller passes a NUL-terminated mode.
    stream_call("fmemopen", std::ptr::null_mut(), || {
        open::fmemopen(b.cast(), size, unsafe { cstr(mode)? }).map(as_file)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/popen.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_popen(command: *const c_char, mode: *const c_char) -> *mut FILE {
    // SAFETY: the caller passes NUL-terminated strings.
    stream_call("popen", std::ptr::null_mut(), || {
        shell::popen(unsafe { cstr(command)? }, unsafe { cstr(mode)? }).map(as_file)
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/pclose.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_pclose(f: *mut FILE) -> c_int {
    stream_call("pclose", -1, || {
        let s = file(f)?;
        // SAFETY: a live stream of this task; the guest gives it up.
        unsafe { shell::pclose(s) }
    })
}

/// For the formatted-output glue (stdio_glue.c): writes `len` bytes to a
/// stream; 0, or -1 with errno set.
#[no_mangle]
pub unsafe extern "C" fn tvm_stdio_put(f: *mut FILE, p: *const c_char, len: usize) -> c_int {
    stream_call("stdio", -1, || {
        // SAFETY: the glue passes `len` formatted bytes.
        let bytes = unsafe { buf(p.cast(), len) }?;
        stdio::write(f, bytes).map(|_| 0)
    })
}

/// For the formatted-output and -input glue: 0 when `f` is a live stream
/// (perhaps busy: `tvm_stdio_put` and the reads handle that), else -1 with
/// errno set.
#[no_mangle]
pub unsafe extern "C" fn tvm_stdio_check(f: *mut FILE) -> c_int {
    stream_call("stdio", -1, || stdio::target(f).map(|_| 0))
}

// Large-file names: on LP64 targets off_t is already 64 bits wide.

/// fopen64 (LFS).
#[no_mangle]
pub unsafe extern "C" fn tvm_fopen64(path: *const c_char, mode: *const c_char) -> *mut FILE {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_fopen(path, mode) }
}

/// freopen64 (LFS).
#[no_mangle]
pub unsafe extern "C" fn tvm_freopen64(path: *const c_char, mode: *const c_char, f: *mut FILE) -> *mut FILE {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_freopen(path, mode, f) }
}

/// fseeko64 (LFS).
#[no_mangle]
pub unsafe extern "C" fn tvm_fseeko64(f: *mut FILE, off: libc::off64_t, whence: c_int) -> c_int {
    // SAFETY: forwards the caller's arguments.
    unsafe { tvm_fseeko(f, off, whence) }
}

/// ftello64 (LFS).
#[no_mangle]
pub unsafe extern "C" fn tvm_ftello64(f: *mut FILE) -> libc::off64_t {
    // SAFETY: forwards the caller's stream.
    unsafe { tvm_ftello(f) }
}

/// tmpfile64 (LFS).
#[no_mangle]
pub extern "C" fn tvm_tmpfile64() -> *mut FILE {
    tvm_tmpfile()
}

/// fgetpos64 (LFS): fpos64_t has fpos_t's layout on LP64.
#[no_mangle]
pub unsafe extern "C" fn tvm_fgetpos64(f: *mut FILE, pos: *mut libc::fpos64_t) -> c_int {
    // SAFETY: same layout; forwards the caller's arguments.
    unsafe { tvm_fgetpos(f, pos.cast()) }
}

/// fsetpos64 (LFS).
#[no_mangle]
pub unsafe extern "C" fn tvm_fsetpos64(f: *mut FILE, pos: *const libc::fpos64_t) -> c_int {
    // SAFETY: same layout; forwards the caller's arguments.
    unsafe { tvm_fsetpos(f, pos.cast()) }
}

/// Writes a whole message to the task's stderr (perror, psignal, assert).
pub fn to_stderr(msg: &[u8]) {
    stream_call("stderr", (), || stdio::write(std_file(2)?, msg).map(drop));
}

/// psignal(3): "PREFIX: description\n" on stderr.
#[no_mangle]
pub unsafe extern "C" fn tvm_psignal(sig: c_int, prefix: *const c_char) {
    super::no_unwind("psignal", || {
        let err = Errno::last_raw();
        // SAFETY: strsignal returns a NUL-terminated string; the caller
        // passes null or a NUL-terminated prefix.
        unsafe { prefixed_to_stderr(prefix, CStr::from_ptr(libc::strsignal(sig))) };
        Errno::set_raw(err);
    })
}

/// <https://pubs.opengroup.org/onlinepubs/9799919799/functions/tmpnam.html>
#[no_mangle]
pub unsafe extern "C" fn tvm_tmpnam(s: *mut c_char) -> *mut c_char {
    stream_call("tmpnam", std::ptr::null_mut(), || {
        // SAFETY: a field of the live state block; a non-null `s` has
        // L_tmpnam bytes (the caller's promise).
        crate::crt::with_part(|st| unsafe { &raw mut (*st).tmpnam }, |t| unsafe { crate::crt::tmpnam::tmpnam(t, s) })
    })
}

/// tempnam(3) (XSI): the name is the guest's to free.
#[no_mangle]
pub unsafe extern "C" fn tvm_tempnam(dir: *const c_char, prefix: *const c_char) -> *mut c_char {
    stream_call("tempnam", std::ptr::null_mut(), || {
        // SAFETY: the caller passes null or NUL-terminated strings.
        let (d, p) = unsafe {
            ((!dir.is_null()).then(|| CStr::from_ptr(dir)), (!prefix.is_null()).then(|| CStr::from_ptr(prefix)))
        };
        // SAFETY: a field of the live state block.
        crate::crt::with_part(|st| unsafe { &raw mut (*st).tmpnam }, |t| crate::crt::tmpnam::tempnam(t, d, p))
    })
}
