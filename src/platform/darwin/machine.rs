//! /proc's machine files where there is no /proc: made, in Linux's format,
//! from what Darwin reports through sysctl and the Mach host calls. Only
//! the fields programs read (toybox's free, top, uptime, ps) are filled.

use std::ffi::{c_int, c_void, CStr};
use std::fmt::Write;

// libc marks its Mach port calls deprecated (pointing at the mach2 crate);
// these two are plain libSystem symbols, declared here.
unsafe extern "C" {
    fn mach_host_self() -> libc::mach_port_t;
    static mach_task_self_: libc::mach_port_t;
}

/// The text of /proc/`name` for the machine files.
pub fn machine_file(name: &str) -> Option<String> {
    match name {
        "meminfo" => Some(meminfo()),
        "stat" => Some(stat()),
        "cpuinfo" => Some((0..cpus()).map(|i| format!("processor\t: {i}\n\n")).collect()),
        "version" => Some(version()),
        "mounts" => Some(mounts()),
        _ => None,
    }
}

/// A sysctl value of type `T` by name.
fn sysctl<T: Copy>(name: &CStr) -> Option<T> {
    let mut v = std::mem::MaybeUninit::<T>::uninit();
    let mut len = std::mem::size_of::<T>();
    // SAFETY: a NUL-terminated name and an out-buffer of `len` bytes.
    let r = unsafe {
        libc::sysctlbyname(name.as_ptr(), v.as_mut_ptr().cast::<c_void>(), &mut len, std::ptr::null_mut(), 0)
    };
    // SAFETY: sysctl filled `len` bytes, checked to be the whole value.
    (r == 0 && len == std::mem::size_of::<T>()).then(|| unsafe { v.assume_init() })
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(0) as u64
}

/// MemTotal from hw.memsize; free, available (free, inactive and
/// purgeable pages) and cached (file-backed pages) from the VM statistics.
fn meminfo() -> String {
    let total = sysctl::<u64>(c"hw.memsize").unwrap_or(0) / 1024;
    // SAFETY: vm_statistics64 is plain data; zero is valid.
    let mut vm: libc::vm_statistics64 = unsafe { std::mem::zeroed() };
    let mut count = libc::HOST_VM_INFO64_COUNT;
    // SAFETY: a live statistics block of `count` integers.
    let ok =
        unsafe { libc::host_statistics64(mach_host_self(), libc::HOST_VM_INFO64, (&raw mut vm).cast(), &mut count) }
            == libc::KERN_SUCCESS;
    let kb = |pages: u64| if ok { pages * page_size() / 1024 } else { 0 };
    let free = kb(vm.free_count as u64);
    let available = kb(vm.free_count as u64 + vm.inactive_count as u64 + vm.purgeable_count as u64);
    let cached = kb(vm.external_page_count as u64);
    let swap = sysctl::<libc::xsw_usage>(c"vm.swapusage");
    let (swap_total, swap_free) = swap.map_or((0, 0), |s| (s.xsu_total / 1024, s.xsu_avail / 1024));
    let mut s = String::new();
    for (k, v) in [
        ("MemTotal", total),
        ("MemFree", free),
        ("MemAvailable", available),
        ("Buffers", 0),
        ("Cached", cached),
        ("SwapTotal", swap_total),
        ("SwapFree", swap_free),
    ] {
        let _ = writeln!(s, "{:<15} {v:>8} kB", format!("{k}:"));
    }
    s
}

/// The CPU lines from each processor's tick counts (user, nice, system,
/// idle; Darwin counts them at 100 Hz, Linux's USER_HZ too), and btime
/// from kern.boottime.
fn stat() -> String {
    let mut per_cpu: Vec<[u64; 4]> = Vec::new();
    let mut n: libc::natural_t = 0;
    let mut info: libc::processor_info_array_t = std::ptr::null_mut();
    let mut len: libc::mach_msg_type_number_t = 0;
    // SAFETY: out-parameters for the count, the array and its length.
    let r = unsafe {
        libc::host_processor_info(mach_host_self(), libc::PROCESSOR_CPU_LOAD_INFO, &mut n, &mut info, &mut len)
    };
    if r == libc::KERN_SUCCESS && !info.is_null() {
        let states = libc::CPU_STATE_MAX as usize;
        for cpu in 0..n as usize {
            // SAFETY: the array holds `n` blocks of CPU_STATE_MAX ticks.
            let t = |state: c_int| unsafe { *info.add(cpu * states + state as usize) } as u32 as u64;
            per_cpu.push([
                t(libc::CPU_STATE_USER),
                t(libc::CPU_STATE_NICE),
                t(libc::CPU_STATE_SYSTEM),
                t(libc::CPU_STATE_IDLE),
            ]);
        }
        // SAFETY: the kernel allocated `len` integers at `info` in this task.
        unsafe {
            libc::vm_deallocate(
                mach_task_self_,
                info as libc::vm_address_t,
                len as libc::vm_size_t * std::mem::size_of::<libc::integer_t>() as libc::vm_size_t,
            )
        };
    }
    let mut s = String::new();
    let sum = per_cpu.iter().fold([0u64; 4], |a, c| [a[0] + c[0], a[1] + c[1], a[2] + c[2], a[3] + c[3]]);
    let _ = writeln!(s, "cpu  {} {} {} {} 0 0 0 0 0 0", sum[0], sum[1], sum[2], sum[3]);
    for (i, c) in per_cpu.iter().enumerate() {
        let _ = writeln!(s, "cpu{i} {} {} {} {} 0 0 0 0 0 0", c[0], c[1], c[2], c[3]);
    }
    let btime = sysctl::<libc::timeval>(c"kern.boottime").map_or(0, |t| t.tv_sec);
    let _ = write!(s, "intr 0\nctxt 0\nbtime {btime}\nprocesses 0\nprocs_running 1\nprocs_blocked 0\n");
    s
}

fn version() -> String {
    // SAFETY: utsname is plain data; uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: a live utsname.
    unsafe { libc::uname(&mut u) };
    // SAFETY: uname NUL-terminates its fields.
    let f = |c: &[libc::c_char]| unsafe { CStr::from_ptr(c.as_ptr()) }.to_string_lossy().into_owned();
    format!("{} version {} {}\n", f(&u.sysname), f(&u.release), f(&u.version))
}

/// The mounted file systems (getmntinfo), as `DEVICE DIR TYPE OPTS 0 0`.
fn mounts() -> String {
    let mut list: *mut libc::statfs = std::ptr::null_mut();
    // SAFETY: getmntinfo points `list` at its own array of the count it returns.
    let n = unsafe { libc::getmntinfo(&mut list, libc::MNT_NOWAIT) };
    let mut s = String::new();
    for i in 0..n.max(0) as usize {
        // SAFETY: `list` has `n` entries, NUL-terminated names.
        let m = unsafe { &*list.add(i) };
        let name = |c: &[libc::c_char]| unsafe { CStr::from_ptr(c.as_ptr()) }.to_string_lossy().into_owned();
        let ro = if m.f_flags & libc::MNT_RDONLY as u32 != 0 { "ro" } else { "rw" };
        let _ = writeln!(s, "{} {} {} {ro} 0 0", name(&m.f_mntfromname), name(&m.f_mntonname), name(&m.f_fstypename));
    }
    s
}
