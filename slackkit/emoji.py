"""Slack's emoji shortcodes (``:white_check_mark:``) for the playground's renderer.

A hand-kept table rather than a package: Slack's names differ from Unicode's CLDR names
(``:white_check_mark:``, ``:+1:``, ``:zzz:``) and the app uses a couple of dozen, so a few
hundred common ones cover it without a runtime dependency. A test checks that every shortcode
the app writes is here; an unknown shortcode stays as typed, as in Slack.
"""

from __future__ import annotations

__all__ = ["EMOJI", "emoji_for"]

_TABLE = """
+1 👍|thumbsup 👍|-1 👎|thumbsdown 👎|ok_hand 👌|clap 👏|wave 👋|raised_hands 🙌|pray 🙏
muscle 💪|point_left 👈|point_right 👉|point_up 👆|point_down 👇|handshake 🤝|writing_hand ✍️
eyes 👀|brain 🧠|smile 😄|smiley 😃|grinning 😀|grin 😁|joy 😂|laughing 😆|sweat_smile 😅
slightly_smiling_face 🙂|upside_down_face 🙃|wink 😉|blush 😊|heart_eyes 😍|thinking_face 🤔
neutral_face 😐|expressionless 😑|confused 😕|worried 😟|cry 😢|sob 😭|scream 😱|sweat 😓
sunglasses 😎|nerd_face 🤓|partying_face 🥳|tada 🎉|confetti_ball 🎊|sparkles ✨|star ⭐
star2 🌟|dizzy 💫|fire 🔥|boom 💥|zap ⚡|rocket 🚀|100 💯|heart ❤️|heavy_heart_exclamation ❣️
broken_heart 💔|green_heart 💚|blue_heart 💙|yellow_heart 💛|purple_heart 💜
white_check_mark ✅|heavy_check_mark ✔️|ballot_box_with_check ☑️|x ❌|negative_squared_cross_mark ❎
heavy_multiplication_x ✖️|warning ⚠️|no_entry ⛔|no_entry_sign 🚫|exclamation ❗|question ❓
grey_exclamation ❕|grey_question ❔|bangbang ‼️|information_source ℹ️|bulb 💡|mag 🔍
mag_right 🔎|lock 🔒|unlock 🔓|key 🔑|bell 🔔|no_bell 🔕|loudspeaker 📢|mega 📣|speech_balloon 💬
thought_balloon 💭|zzz 💤|hourglass ⌛|hourglass_flowing_sand ⏳|alarm_clock ⏰|stopwatch ⏱️
timer_clock ⏲️|clock1 🕐|clock9 🕘|clock12 🕛|calendar 📆|date 📅|spiral_calendar_pad 🗓️
memo 📝|pencil 📝|pencil2 ✏️|page_facing_up 📄|page_with_curl 📃|clipboard 📋|pushpin 📌
round_pushpin 📍|paperclip 📎|file_folder 📁|open_file_folder 📂|card_index 📇|books 📚
bookmark 🔖|link 🔗|inbox_tray 📥|outbox_tray 📤|incoming_envelope 📨|envelope ✉️|email 📧
e-mail 📧|mailbox 📫|package 📦|telephone_receiver 📞|phone ☎️|iphone 📱|computer 💻
desktop_computer 🖥️|printer 🖨️|chart_with_upwards_trend 📈|chart_with_downwards_trend 📉
bar_chart 📊|moneybag 💰|money_with_wings 💸|dollar 💵|yen 💴|euro 💶|pound 💷|credit_card 💳
gem 💎|briefcase 💼|office 🏢|bank 🏦|house 🏠|trophy 🏆|medal 🏅
sports_medal 🏅|first_place_medal 🥇|second_place_medal 🥈|third_place_medal 🥉|dart 🎯
crown 👑|gift 🎁|balloon 🎈|birthday 🎂|coffee ☕|tea 🍵|beer 🍺|beers 🍻|pizza 🍕
hamburger 🍔|cake 🍰|doughnut 🍩|cookie 🍪|seedling 🌱|herb 🌿|four_leaf_clover 🍀
sunny ☀️|cloud ☁️|umbrella ☔|snowflake ❄️|rainbow 🌈|earth_asia 🌏|globe_with_meridians 🌐
new 🆕|free 🆓|up 🆙|cool 🆒|ok 🆗|sos 🆘|top 🔝|soon 🔜|back 🔙|end 🔚|on 🔛
arrow_right ➡️|arrow_left ⬅️|arrow_up ⬆️|arrow_down ⬇️|arrow_upper_right ↗️
arrow_lower_right ↘️|arrow_heading_up ⤴️|arrow_heading_down ⤵️|arrows_counterclockwise 🔄
repeat 🔁|leftwards_arrow_with_hook ↩️|arrow_forward ▶️|arrow_backward ◀️|fast_forward ⏩
twisted_rightwards_arrows 🔀|wastebasket 🗑️
rewind ⏪|small_red_triangle 🔺|small_red_triangle_down 🔻|small_orange_diamond 🔸
small_blue_diamond 🔹|large_orange_diamond 🔶|large_blue_diamond 🔷|red_circle 🔴
large_blue_circle 🔵|blue_circle 🔵|white_circle ⚪|black_circle ⚫|large_green_circle 🟢
large_yellow_circle 🟡|large_orange_circle 🟠|large_purple_circle 🟣|green_circle 🟢
yellow_circle 🟡|orange_circle 🟠|purple_circle 🟣|white_large_square ⬜|black_large_square ⬛
heavy_plus_sign ➕|heavy_minus_sign ➖|heavy_division_sign ➗|heavy_dollar_sign 💲
recycle ♻️|checkered_flag 🏁|triangular_flag_on_post 🚩|flag-id 🇮🇩|flag-us 🇺🇸
hammer_and_wrench 🛠️|wrench 🔧|hammer 🔨|gear ⚙️|nut_and_bolt 🔩|construction 🚧
rotating_light 🚨|traffic_light 🚥|vertical_traffic_light 🚦|car 🚗|airplane ✈️|ship 🚢
hugging_face 🤗|shushing_face 🤫|face_with_monocle 🧐|zipper_mouth_face 🤐
sleeping 😴|sleepy 😪|mask 😷|smirk 😏|relieved 😌|innocent 😇|money_mouth_face 🤑
star-struck 🤩|exploding_head 🤯|face_palm 🤦|facepalm 🤦|shrug 🤷|raising_hand 🙋
man-raising-hand 🙋‍♂️|woman-raising-hand 🙋‍♀️|bust_in_silhouette 👤|busts_in_silhouette 👥
speaking_head_in_silhouette 🗣️|crossed_fingers 🤞|v ✌️|call_me_hand 🤙|spiral_note_pad 🗒️
label 🏷️|ticket 🎫|admission_tickets 🎟️|microphone 🎤|headphones 🎧
movie_camera 🎥|camera 📷|tv 📺|radio 📻|satellite 📡|battery 🔋|electric_plug 🔌
"""

EMOJI: dict[str, str] = dict(
    pair.split(" ", 1) for pair in _TABLE.replace("\n", "|").split("|") if pair.strip()
)


def emoji_for(name: str) -> str | None:
    """The character for shortcode ``name`` (without colons), or ``None``."""
    return EMOJI.get(name.lower())
