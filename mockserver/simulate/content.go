package simulate

// What simulated customers and agents say: small fixed lists, picked from
// by the seeded source.

type customer struct{ first, last, id string }

var customers = []customer{
	{"Jane", "Doe", "C-2077"},
	{"Omar", "Haddad", "C-3121"},
	{"Mei", "Tanaka", "C-1408"},
	{"Lars", "Nilsson", "C-5530"},
	{"Priya", "Natarajan", "C-2719"},
	{"Tom", "Fischer", "C-8842"},
	{"Ana", "Souza", "C-6093"},
	{"Kwame", "Mensah", "C-4475"},
	{"Sofia", "Rossi", "C-7301"},
	{"Noah", "Kowalski", "C-9186"},
}

type email struct{ subject, body string }

var emails = []email{
	{"Order 1042 arrived damaged", "The box was crushed and the mug inside is broken. Can you send a new one?"},
	{"Where is my parcel?", "I ordered on Monday and the tracking page has not changed since. Order 2291."},
	{"Refund not received", "You confirmed my return two weeks ago but the money is not on my card yet."},
	{"Change of delivery address", "Could you deliver order 3310 to my office instead? The address is in my profile."},
	{"Wrong size", "I received a medium instead of a large. How do I exchange it?"},
	{"Invoice needed", "Please send me an invoice with my company name for order 1877."},
	{"Cancel my subscription", "I would like to cancel the monthly box from next month on. Thank you."},
	{"Discount code does not work", "The code SPRING10 from your newsletter is refused at checkout."},
	{"Question about warranty", "My kettle stopped working after eight months. Is it still under warranty?"},
	{"Double charge", "I was charged twice for order 4120. Please refund one of the payments."},
}

var chatOpenings = []string{
	"Hello, my parcel never arrived.",
	"Hi! I can't log in to my account.",
	"Good morning, I was charged twice for my order.",
	"Hi, can I still change my delivery address?",
	"Hello, the discount code from your email doesn't work.",
	"Hi there, how do I return an item?",
	"Hello, my order shows as delivered but I have nothing.",
	"Hi, I'd like to upgrade my plan.",
}

var customerReplies = []string{
	"It was order 1042.",
	"Yes, that's right.",
	"I tried that already, it didn't help.",
	"My email is the one on the account.",
	"OK, how long will that take?",
	"Can you check again, please?",
	"It says the payment went through.",
	"I ordered it last Tuesday.",
	"Sure, one moment.",
	"Is there anything else you need from me?",
}

var goodbyes = []string{
	"Great, thank you for your help! Bye.",
	"That solves it, thanks. Have a nice day!",
	"OK, I'll wait then. Thanks, bye.",
	"Perfect, thanks a lot!",
}

// greetings are an agent's first answer in a chat; %s is the customer's
// nickname.
var greetings = []string{
	"Hi %s, thanks for reaching out. Let me have a look.",
	"Hello %s, I'm sorry to hear that. I'll check right away.",
	"Hi %s! I can help you with that.",
}

var answers = []string{
	"Thanks, I found your order.",
	"I've escalated this to our warehouse.",
	"Could you give me your order number?",
	"The refund is on its way: 3 to 5 working days.",
	"I've sent you a new link by email.",
	"That's done. Anything else I can do for you?",
	"One moment please, I'm checking with a colleague.",
	"I've updated your address.",
	"You'll get a confirmation email shortly.",
	"I'm sorry for the trouble. I've added a voucher to your account.",
}

var workitems = []string{
	"Call back about a refund",
	"Check a damaged-goods claim",
	"Verify a change of address",
	"Approve a goodwill voucher",
	"Review a chargeback",
	"Update a customer's phone number",
	"Follow up on a late delivery",
	"Close a duplicate account",
}
