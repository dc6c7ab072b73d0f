/**
 * The process helper's program (perl-launcher.ts says why it exists). Perl because it is on every system that has
 * git's own scripts and Debian's essential set (perl-base), starts in a few milliseconds, and its fork copies a
 * process of a few megabytes rather than fleetmod's hundred or more. Only core modules that perl-base ships
 * (POSIX, Fcntl, Errno) are used.
 *
 * Protocol, all on the helper's standard input and output:
 * - fleetmod → helper
 *   - `S <id> <nargs> <nenv>\n`, then 3 + nargs + nenv fields, each `<byte length>\n<bytes>`:
 *     working directory (empty: the helper's), standard input's bytes, the program, its arguments, `NAME=value`
 *     environment entries (the child gets exactly these);
 *   - `K <id> <signal number>\n`: signal the child's process group.
 * - helper → fleetmod
 *   - `O <id> <length>\n<bytes>` and `E <id> <length>\n<bytes>`: what the child wrote to standard output or error;
 *   - `F <id> <length>\n<message>`: the program could not be started (`spawn <program> ENOENT`, as Node says it);
 *   - `X <id> <exit code or -1> <signal number or 0>\n`: the child has exited and both its outputs are closed (the
 *     moment Node's `close` event marks). Always the last message about an id.
 *
 * Each child runs in a session of its own (setsid), as Node's `detached` makes it, with standard input, output and
 * error on pipes of the helper and no other descriptor of the helper (perl marks its pipes close-on-exec). When
 * fleetmod goes away — the helper's standard input ends — the helper ends the process group of every child it still
 * has and exits, so a killed fleetmod leaves no git behind.
 */
export const PERL_HELPER_SOURCE = String.raw`
use strict;
use warnings;
use POSIX ();
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);
use Errno ();

$SIG{PIPE} = 'IGNORE';
binmode STDIN; binmode STDOUT;

my $pending = '';
my %kids;
my $reap_wait = 0.001;

sub to_fleetmod {
  my ($data) = @_;
  my $off = 0;
  while ($off < length $data) {
    my $n = syswrite STDOUT, $data, length($data) - $off, $off;
    if (!defined $n) { next if $!{EINTR}; end_all(); }
    $off += $n;
  }
}

sub end_all {
  kill '-KILL', $_->{pid} for values %kids;
  POSIX::_exit(0);
}

sub errno_name {
  my $number = 0 + $!;
  for my $name (keys %!) { return $name if $!{$name}; }
  return "errno $number";
}

sub nonblocking {
  my ($fh) = @_;
  my $flags = fcntl $fh, F_GETFL, 0;
  fcntl $fh, F_SETFL, $flags | O_NONBLOCK;
}

sub start {
  my ($id, $fields, $nargs, $nenv) = @_;
  my ($cwd, $input, $file) = @$fields[0 .. 2];
  my @args = @$fields[3 .. 2 + $nargs];
  my @env = @$fields[3 + $nargs .. 2 + $nargs + $nenv];
  my ($in_r, $in_w, $out_r, $out_w, $err_r, $err_w, $why_r, $why_w);
  if (!(pipe($in_r, $in_w) && pipe($out_r, $out_w) && pipe($err_r, $err_w) && pipe($why_r, $why_w))) {
    my $message = "spawn $file " . errno_name();
    to_fleetmod("F $id " . length($message) . "\n$message" . "X $id -1 0\n");
    return;
  }
  # The child's environment and signal dispositions are set here, before the fork, so the child does as little as
  # possible between fork and exec: every page it writes is a copy of the helper's (copy-on-write).
  %ENV = ();
  for my $entry (@env) {
    my $eq = index $entry, '=';
    $ENV{substr $entry, 0, $eq} = substr $entry, $eq + 1;
  }
  $SIG{PIPE} = 'DEFAULT';
  my $pid = fork;
  $SIG{PIPE} = 'IGNORE';
  if (!defined $pid) {
    my $message = "spawn $file " . errno_name();
    to_fleetmod("F $id " . length($message) . "\n$message" . "X $id -1 0\n");
    return;
  }
  if ($pid == 0) {
    POSIX::setsid();
    POSIX::dup2(fileno $in_r, 0);
    POSIX::dup2(fileno $out_w, 1);
    POSIX::dup2(fileno $err_w, 2);
    if (length $cwd && !chdir $cwd) {
      syswrite $why_w, "spawn $file " . errno_name();
      POSIX::_exit(127);
    }
    { no warnings 'exec'; exec { $file } $file, @args; }
    syswrite $why_w, "spawn $file " . errno_name();
    POSIX::_exit(127);
  }
  close $in_r; close $out_w; close $err_w; close $why_w;
  # The child's end of this pipe closes at its exec (close-on-exec); anything read first is why the exec failed.
  my $why = '';
  while (1) {
    my $n = sysread $why_r, $why, 4096, length $why;
    last if defined $n && $n == 0;
    next if !defined $n && $!{EINTR};
    last if !defined $n;
  }
  close $why_r;
  to_fleetmod("F $id " . length($why) . "\n$why") if length $why;
  nonblocking($in_w);
  my $kid = { pid => $pid, out => $out_r, err => $err_r, in => $in_w, input => $input, offset => 0 };
  if (length($input) == 0) { close $in_w; delete $kid->{in}; }
  $kids{$id} = $kid;
}

sub take_request {
  my $newline = index $pending, "\n";
  return 0 if $newline < 0;
  my @head = split / /, substr($pending, 0, $newline);
  if ($head[0] eq 'K') {
    substr($pending, 0, $newline + 1) = '';
    my $kid = $kids{$head[1]};
    kill "-$head[2]", $kid->{pid} if $kid;
    return 1;
  }
  die "fleetmod process helper: unknown request '$head[0]'\n" if $head[0] ne 'S';
  my ($id, $nargs, $nenv) = @head[1 .. 3];
  my $at = $newline + 1;
  my @fields;
  for (1 .. 3 + $nargs + $nenv) {
    my $end = index $pending, "\n", $at;
    return 0 if $end < 0;
    my $length = substr $pending, $at, $end - $at;
    return 0 if length($pending) < $end + 1 + $length;
    push @fields, substr($pending, $end + 1, $length);
    $at = $end + 1 + $length;
  }
  substr($pending, 0, $at) = '';
  start($id, \@fields, $nargs, $nenv);
  return 1;
}

sub read_output {
  my ($id, $kid, $which, $tag) = @_;
  my $n = sysread $kid->{$which}, my $chunk, 65536;
  return if !defined $n && ($!{EINTR} || $!{EAGAIN});
  if (!$n) { close $kid->{$which}; delete $kid->{$which}; return; }
  to_fleetmod("$tag $id $n\n$chunk");
}

sub write_input {
  my ($kid) = @_;
  my $n = syswrite $kid->{in}, $kid->{input}, length($kid->{input}) - $kid->{offset}, $kid->{offset};
  return if !defined $n && ($!{EINTR} || $!{EAGAIN});
  # A child that exits without reading all of it closes the pipe (EPIPE): its exit status is what counts.
  $kid->{offset} += $n if defined $n;
  if (!defined $n || $kid->{offset} >= length $kid->{input}) { close $kid->{in}; delete $kid->{in}; $kid->{input} = ''; }
}

# A child whose outputs are both closed is done once it has exited; it almost always has by then, and the few that
# have not yet are asked again after a short wait that grows while they keep running.
sub reap {
  my $waiting = 0;
  for my $id (keys %kids) {
    my $kid = $kids{$id};
    next if $kid->{out} || $kid->{err};
    my $pid = waitpid $kid->{pid}, POSIX::WNOHANG();
    if ($pid == 0) { $waiting = 1; next; }
    my $status = $?;
    my $code = POSIX::WIFEXITED($status) ? POSIX::WEXITSTATUS($status) : -1;
    my $signal = POSIX::WIFSIGNALED($status) ? POSIX::WTERMSIG($status) : 0;
    close $kid->{in} if $kid->{in};
    delete $kids{$id};
    to_fleetmod("X $id $code $signal\n");
  }
  $reap_wait = $waiting ? ($reap_wait < 0.05 ? $reap_wait * 2 : 0.05) : 0.001;
  return $waiting;
}

while (1) {
  my ($readable, $writable) = ('', '');
  vec($readable, 0, 1) = 1;
  for my $kid (values %kids) {
    vec($readable, fileno $kid->{out}, 1) = 1 if $kid->{out};
    vec($readable, fileno $kid->{err}, 1) = 1 if $kid->{err};
    vec($writable, fileno $kid->{in}, 1) = 1 if $kid->{in};
  }
  my $waiting = reap();
  my ($can_read, $can_write) = ($readable, $writable);
  my $ready = select $can_read, length $writable ? $can_write : undef, undef, $waiting ? $reap_wait : undef;
  if ($ready < 0) { next if $!{EINTR}; die "fleetmod process helper: select: $!\n"; }
  next if $ready == 0;
  if (vec $can_read, 0, 1) {
    my $n = sysread STDIN, $pending, 65536, length $pending;
    if (defined $n && $n == 0) { end_all(); }
    if (!defined $n) { next if $!{EINTR}; end_all(); }
    1 while take_request();
  }
  for my $id (keys %kids) {
    my $kid = $kids{$id} or next;
    read_output($id, $kid, 'out', 'O') if $kid->{out} && vec $can_read, fileno $kid->{out}, 1;
    read_output($id, $kid, 'err', 'E') if $kid->{err} && vec $can_read, fileno $kid->{err}, 1;
    write_input($kid) if $kid->{in} && length $writable && vec $can_write, fileno $kid->{in}, 1;
  }
}
`;
