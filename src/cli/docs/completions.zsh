#compdef mystic-credential-helper

autoload -U is-at-least

_mystic-credential-helper() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_mystic-credential-helper_commands" \
"*::: :->mystic-credential-helper" \
&& ret=0
    case $state in
    (mystic-credential-helper)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mystic-credential-helper-command-$line[1]:"
        case $line[1] in
            (get)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(store)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(erase)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(item)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(login)
_arguments "${_arguments_options[@]}" : \
'--alias=[The name of the remote, as the SDK'\''s \`pipeline cluster use ALIAS\` knows it]:ALIAS:_default' \
'--url=[The Mystic API the token belongs to]:URL:_default' \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'--active[Make this the active remote (by default only when none is active)]' \
'--no-verify[Store without checking the token against the API]' \
'--allow-http[Allow a plain http\:// URL for a host other than this machine (the token would cross the network readable by anyone on the way)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(logout)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
':alias -- The remote'\''s name (see `status`):_default' \
&& ret=0
;;
(use)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
':alias -- The remote'\''s name (see `status`):_default' \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
'--alias=[The remote'\''s name; without it and --url, PIPELINE_API_TOKEN, else the active remote, else the first remote (as \`get\`)]:ALIAS:_default' \
'--url=[The remote whose url this is (its origin\: scheme, host and port)]:URL:_default' \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
'::name -- The remote'\''s name, as --alias gives it (`token prod`, as `logout prod`):_default' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'--json[Print JSON instead of a table\: {v, config, store, remotes\: \[{alias, url, active, token, verified?}\], refused?, env, get, sdk, python, orphans?, warnings\: \[{code, message}\]}; token is keyring, file, missing or unknown. Its JSON Schema is protocol/schema/status.json in the source repository]' \
'--verify[Check each token against the API]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(migrate)
_arguments "${_arguments_options[@]}" : \
'--from=[Where the tokens are now \[default\: config.yaml'\''s plaintext; with --store file, the store MYSTIC_CREDENTIAL_STORE names, else auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'--dry-run[Show what would move, and check that the stores can be reached; change nothing]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'--dry-run[List the orphans; remove nothing]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(exec)
_arguments "${_arguments_options[@]}" : \
'--alias=[The remote'\''s name; without it, PIPELINE_API_TOKEN, else the active remote, else the first remote (as \`get\`)]:ALIAS:_default' \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'--no-mask[Let CMD'\''s output through as it is\: without this, the token is replaced with <concealed by mystic-credential-helper> wherever CMD'\''s stdout or stderr is not a terminal]' \
'-h[Print help]' \
'--help[Print help]' \
'*::command -- The command and its arguments (after --):_default' \
&& ret=0
;;
(env)
_arguments "${_arguments_options[@]}" : \
'--alias=[The remote'\''s name; without it, PIPELINE_API_TOKEN, else the active remote, else the first remote (as \`get\`)]:ALIAS:_default' \
'--format=[How to print them]:FORMAT:((shell\:"\`export NAME='\''value'\''\` lines, which sh, bash and zsh read with eval, and fish with source (both read them back byte for byte)"
dotenv\:"\`NAME=value\` lines, for a .env file"
github\:"GitHub Actions\: append both to the file GITHUB_ENV names, for later steps, and mask the token"
json\:"One JSON object"))' \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(configure)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'--unset[Remove every entry \`configure\` added, for any remote and any store]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':tool -- git or docker:((git\:"\`credential.<origin>.helper\` in your global git config"
docker\:"\`credHelpers\` in ~/.docker/config.json (or \$DOCKER_CONFIG/config.json)"))' \
&& ret=0
;;
(shell-init)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
':shell -- bash, zsh or fish:(bash zsh fish)' \
&& ret=0
;;
(sdk)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
":: :_mystic-credential-helper__subcmd__sdk_commands" \
"*::: :->sdk" \
&& ret=0

    case $state in
    (sdk)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mystic-credential-helper-sdk-command-$line[1]:"
        case $line[1] in
            (install)
_arguments "${_arguments_options[@]}" : \
'--python=[The environment'\''s Python \[default\: python3, else python, on PATH\]]:PATH:_files' \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(uninstall)
_arguments "${_arguments_options[@]}" : \
'--python=[The environment'\''s Python \[default\: python3, else python, on PATH\]]:PATH:_files' \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_mystic-credential-helper__subcmd__sdk__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mystic-credential-helper-sdk-help-command-$line[1]:"
        case $line[1] in
            (install)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uninstall)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(git)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
':action -- get, store or erase; other actions are ignored, as git requires:_default' \
'*::rest -- Ignored (git may pass options from the helper string):_default' \
&& ret=0
;;
(docker)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
':action -- store, get, erase, list or version:_default' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'-h[Print help]' \
'--help[Print help]' \
':shell -- bash, zsh, fish, elvish or powershell:(bash zsh fish elvish powershell)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'--dir=[With --install\: this man folder instead]:DIR:_files' \
'--store=[Where tokens are kept\: auto, secret-service, keyutils, file or windows (described in \`mystic-credential-helper --help\`); before or after the command \[env\: MYSTIC_CREDENTIAL_STORE\] \[default\: auto\]]:STORE:((auto\:"Secret Service on Linux, Keychain on macOS, Credential Manager on Windows"
secret-service\:"The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)"
keyutils\:"The Linux kernel keyring\: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused"
file\:"Plaintext in config.yaml, where the SDK reads it. An explicit opt-in"
windows\:"Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)"))' \
'--install[Install it as man1/mystic-credential-helper.1 under the man folder next to this program (../share/man from its folder\: \`man\` searches there for every folder on PATH)]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_mystic-credential-helper__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mystic-credential-helper-help-command-$line[1]:"
        case $line[1] in
            (get)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(store)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(erase)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(item)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(login)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(logout)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(use)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(migrate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(prune)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(exec)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(env)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(configure)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(shell-init)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(sdk)
_arguments "${_arguments_options[@]}" : \
":: :_mystic-credential-helper__subcmd__help__subcmd__sdk_commands" \
"*::: :->sdk" \
&& ret=0

    case $state in
    (sdk)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mystic-credential-helper-help-sdk-command-$line[1]:"
        case $line[1] in
            (install)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uninstall)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(git)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(docker)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_mystic-credential-helper_commands] )) ||
_mystic-credential-helper_commands() {
    local commands; commands=(
'get:Print a remote'\''s token as JSON. Stdin\: {"alias"?, "url"?}' \
'store:Save a token and mirror its remote into config.yaml. Stdin\: {"alias", "token", "url"?, "active"?}' \
'erase:Delete a token and its remote. Stdin\: {"alias"?, "url"?} (at least one)' \
'list:List remotes as JSON, never tokens' \
'item:Read, write or delete one keyring item by service and user (what the windows store runs from WSL). Stdin\: {"action"\: "get"|"set"|"delete", "service", "user", "token"?}' \
'login:Check a token against the API and store it. The token is read from stdin, or prompted for without echo on a terminal; never from the command line' \
'logout:Remove a remote and its token (erase, for people)' \
'use:Make ALIAS the active remote in config.yaml (what the SDK and \`get\` use by default)' \
'token:Print only the token and a newline, for \`Authorization\: Bearer \$(... token)\`' \
'status:Show each remote, where its token lives, and which token \`get\` and the SDK will use' \
'migrate:Move tokens into the chosen store\: plaintext ones from config.yaml, or another keyring'\''s' \
'prune:Remove keyring items that no remote in config.yaml names (left by killed or failed writes)' \
'exec:Run a command that authenticates as a remote, with no token written to disk' \
'env:Print PIPELINE_API_TOKEN and PIPELINE_API_URL, for scripts and CI' \
'configure:Make git or docker use this helper for every remote in config.yaml' \
'shell-init:Print a shell function that runs the \`pipeline\` CLI with its token from here' \
'sdk:Give the pipeline-ai SDK in a Python environment its tokens from here' \
'git:git'\''s credential-helper protocol (also run as \`git-credential-mystic ACTION\`)' \
'docker:docker'\''s credential-helper protocol (also run as \`docker-credential-mystic ACTION\`)' \
'completions:Print a shell completion script' \
'man:Print the man page (roff), or install it where \`man\` finds it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'mystic-credential-helper commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__completions_commands] )) ||
_mystic-credential-helper__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper completions commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__configure_commands] )) ||
_mystic-credential-helper__subcmd__configure_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper configure commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__docker_commands] )) ||
_mystic-credential-helper__subcmd__docker_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper docker commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__env_commands] )) ||
_mystic-credential-helper__subcmd__env_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper env commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__erase_commands] )) ||
_mystic-credential-helper__subcmd__erase_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper erase commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__exec_commands] )) ||
_mystic-credential-helper__subcmd__exec_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper exec commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__get_commands] )) ||
_mystic-credential-helper__subcmd__get_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper get commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__git_commands] )) ||
_mystic-credential-helper__subcmd__git_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper git commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help_commands] )) ||
_mystic-credential-helper__subcmd__help_commands() {
    local commands; commands=(
'get:Print a remote'\''s token as JSON. Stdin\: {"alias"?, "url"?}' \
'store:Save a token and mirror its remote into config.yaml. Stdin\: {"alias", "token", "url"?, "active"?}' \
'erase:Delete a token and its remote. Stdin\: {"alias"?, "url"?} (at least one)' \
'list:List remotes as JSON, never tokens' \
'item:Read, write or delete one keyring item by service and user (what the windows store runs from WSL). Stdin\: {"action"\: "get"|"set"|"delete", "service", "user", "token"?}' \
'login:Check a token against the API and store it. The token is read from stdin, or prompted for without echo on a terminal; never from the command line' \
'logout:Remove a remote and its token (erase, for people)' \
'use:Make ALIAS the active remote in config.yaml (what the SDK and \`get\` use by default)' \
'token:Print only the token and a newline, for \`Authorization\: Bearer \$(... token)\`' \
'status:Show each remote, where its token lives, and which token \`get\` and the SDK will use' \
'migrate:Move tokens into the chosen store\: plaintext ones from config.yaml, or another keyring'\''s' \
'prune:Remove keyring items that no remote in config.yaml names (left by killed or failed writes)' \
'exec:Run a command that authenticates as a remote, with no token written to disk' \
'env:Print PIPELINE_API_TOKEN and PIPELINE_API_URL, for scripts and CI' \
'configure:Make git or docker use this helper for every remote in config.yaml' \
'shell-init:Print a shell function that runs the \`pipeline\` CLI with its token from here' \
'sdk:Give the pipeline-ai SDK in a Python environment its tokens from here' \
'git:git'\''s credential-helper protocol (also run as \`git-credential-mystic ACTION\`)' \
'docker:docker'\''s credential-helper protocol (also run as \`docker-credential-mystic ACTION\`)' \
'completions:Print a shell completion script' \
'man:Print the man page (roff), or install it where \`man\` finds it' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'mystic-credential-helper help commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__completions_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help completions commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__configure_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__configure_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help configure commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__docker_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__docker_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help docker commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__env_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__env_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help env commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__erase_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__erase_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help erase commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__exec_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__exec_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help exec commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__get_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__get_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help get commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__git_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__git_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help git commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__help_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help help commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__item_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__item_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help item commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__list_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help list commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__login_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help login commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__logout_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__logout_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help logout commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__man_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help man commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__migrate_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__migrate_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help migrate commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__prune_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help prune commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__sdk_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__sdk_commands() {
    local commands; commands=(
'install:Make \`import pipeline\` get its token through this helper, in memory only' \
'uninstall:Remove what \`sdk install\` added' \
    )
    _describe -t commands 'mystic-credential-helper help sdk commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__sdk__subcmd__install_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__sdk__subcmd__install_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help sdk install commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__sdk__subcmd__uninstall_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__sdk__subcmd__uninstall_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help sdk uninstall commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__shell-init_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__shell-init_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help shell-init commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__status_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help status commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__store_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__store_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help store commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__token_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help token commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__help__subcmd__use_commands] )) ||
_mystic-credential-helper__subcmd__help__subcmd__use_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper help use commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__item_commands] )) ||
_mystic-credential-helper__subcmd__item_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper item commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__list_commands] )) ||
_mystic-credential-helper__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper list commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__login_commands] )) ||
_mystic-credential-helper__subcmd__login_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper login commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__logout_commands] )) ||
_mystic-credential-helper__subcmd__logout_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper logout commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__man_commands] )) ||
_mystic-credential-helper__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper man commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__migrate_commands] )) ||
_mystic-credential-helper__subcmd__migrate_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper migrate commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__prune_commands] )) ||
_mystic-credential-helper__subcmd__prune_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper prune commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__sdk_commands] )) ||
_mystic-credential-helper__subcmd__sdk_commands() {
    local commands; commands=(
'install:Make \`import pipeline\` get its token through this helper, in memory only' \
'uninstall:Remove what \`sdk install\` added' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'mystic-credential-helper sdk commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__sdk__subcmd__help_commands] )) ||
_mystic-credential-helper__subcmd__sdk__subcmd__help_commands() {
    local commands; commands=(
'install:Make \`import pipeline\` get its token through this helper, in memory only' \
'uninstall:Remove what \`sdk install\` added' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'mystic-credential-helper sdk help commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__sdk__subcmd__help__subcmd__help_commands] )) ||
_mystic-credential-helper__subcmd__sdk__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper sdk help help commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__sdk__subcmd__help__subcmd__install_commands] )) ||
_mystic-credential-helper__subcmd__sdk__subcmd__help__subcmd__install_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper sdk help install commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__sdk__subcmd__help__subcmd__uninstall_commands] )) ||
_mystic-credential-helper__subcmd__sdk__subcmd__help__subcmd__uninstall_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper sdk help uninstall commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__sdk__subcmd__install_commands] )) ||
_mystic-credential-helper__subcmd__sdk__subcmd__install_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper sdk install commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__sdk__subcmd__uninstall_commands] )) ||
_mystic-credential-helper__subcmd__sdk__subcmd__uninstall_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper sdk uninstall commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__shell-init_commands] )) ||
_mystic-credential-helper__subcmd__shell-init_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper shell-init commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__status_commands] )) ||
_mystic-credential-helper__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper status commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__store_commands] )) ||
_mystic-credential-helper__subcmd__store_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper store commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__token_commands] )) ||
_mystic-credential-helper__subcmd__token_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper token commands' commands "$@"
}
(( $+functions[_mystic-credential-helper__subcmd__use_commands] )) ||
_mystic-credential-helper__subcmd__use_commands() {
    local commands; commands=()
    _describe -t commands 'mystic-credential-helper use commands' commands "$@"
}

if [ "$funcstack[1]" = "_mystic-credential-helper" ]; then
    _mystic-credential-helper "$@"
else
    compdef _mystic-credential-helper mystic-credential-helper
fi
