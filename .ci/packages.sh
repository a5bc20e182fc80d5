# Sourced by .ci/setup and .ci/test: installs the Debian packages Swiftlet needs.
#
#   libfdt-dev              libfdt, to build the flattened device tree (VMM/CFDT)
#   device-tree-compiler    dtc, to decode device trees when debugging and in tests
#   musl-tools              musl-gcc, for the static test programs in images/
#   busybox-static          /bin/busybox, a real static program the tests run
#   e2fsprogs               mke2fs -d, for ext2 disk images (later issues)
#   cpio                    to inspect initramfs archives
#   golang-go               go, for the static Go test program (images/go)
SWIFTLET_PACKAGES=(libfdt-dev device-tree-compiler musl-tools busybox-static e2fsprogs cpio golang-go)

# Installs whichever of SWIFTLET_PACKAGES are missing; apt-get update runs only
# when something has to be installed. Uses sudo when not root.
install_packages() {
    local missing=() pkg
    for pkg in "${SWIFTLET_PACKAGES[@]}"; do
        if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} == 0 ]]; then
        echo "packages: all present (${SWIFTLET_PACKAGES[*]})"
        return 0
    fi
    local sudo=()
    [[ $(id -u) == 0 ]] || sudo=(sudo)
    echo "packages: installing ${missing[*]}"
    # Wait for a concurrent apt/dpkg (unattended upgrades, a parallel job) instead of failing.
    local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
    "${apt[@]}" update
    "${apt[@]}" install -y --no-install-recommends "${missing[@]}"
}
