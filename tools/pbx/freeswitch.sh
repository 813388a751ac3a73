# shellcheck shell=bash disable=SC2034,SC2154
# FreeSWITCH with the sofia-sip and spandsp it needs (Debian's are too old), for tools/build-pbx
# (which sources this file; editing it builds a new prefix). The tarballs are `git archive`s with
# no generated configure, hence the bootstraps.
TARBALLS=(sofia-sip-1.13.17.tar.gz spandsp-0c7bceb.tar.gz freeswitch-1.10.12.tar.gz)
PACKAGES=(build-essential pkg-config autoconf automake libtool libtool-bin libssl-dev
  libcurl4-openssl-dev libpcre3-dev libspeex-dev libspeexdsp-dev libldns-dev libtiff-dev
  libsqlite3-dev uuid-dev libedit-dev zlib1g-dev libjpeg-dev)
BINARY=bin/freeswitch
# What the sip_pbx target uses: Sofia gateways and profiles, the XML dialplan, answering and
# bridging calls, fs_cli through the event socket, logs.
FREESWITCH_MODULES=(
  loggers/mod_console loggers/mod_logfile applications/mod_commands applications/mod_dptools
  dialplans/mod_dialplan_xml endpoints/mod_sofia event_handlers/mod_event_socket
  formats/mod_tone_stream
)

build() {
  local pc="$prefix/lib/pkgconfig"
  export PKG_CONFIG_PATH="$pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  # the libraries in the prefix are found without LD_LIBRARY_PATH
  export LDFLAGS="-Wl,-rpath,$prefix/lib${LDFLAGS:+ $LDFLAGS}"
  # shellcheck disable=SC2016  # expanded by the inner bash, from its arguments
  step "unpack" bash -c 'for t in "$@"; do tar -xzf "$t"; done' unpack \
    "$src/sofia-sip-1.13.17.tar.gz" "$src/spandsp-0c7bceb.tar.gz" "$src/freeswitch-1.10.12.tar.gz"

  cd "$work/sofia-sip-1.13.17" || return
  step "sofia-sip: autoreconf" autoreconf -fi
  step "sofia-sip: configure" ./configure --prefix="$prefix" --with-openssl --without-glib \
    --disable-stun --disable-static
  step "sofia-sip: make -j$jobs" make -j"$jobs"
  step "sofia-sip: make install" make install

  cd "$work/spandsp-0c7bceb" || return
  step "spandsp: autoreconf" autoreconf -fi
  step "spandsp: configure" ./configure --prefix="$prefix" --disable-static
  step "spandsp: make -j$jobs" make -j"$jobs"
  step "spandsp: make install" make install

  cd "$work/freeswitch-1.10.12" || return
  step "freeswitch: bootstrap" ./bootstrap.sh -j
  printf '%s\n' "${FREESWITCH_MODULES[@]}" >modules.conf
  step "freeswitch: configure" ./configure --prefix="$prefix" --disable-libvpx --disable-libyuv \
    --disable-srtp --disable-core-odbc-support --disable-static
  step "freeswitch: make -j$jobs" make -j"$jobs"
  step "freeswitch: make install" make install
}
