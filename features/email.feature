@email @B7.18
Feature: Email replies
  The owner of an inbound email answers it with Reply, ReplyAll or Forward
  (to an address): each creates a NEW outbound email interaction (channel
  email, interactionType Outbound, interactionSubType OutboundReply or
  OutboundNew, parentId the inbound's id) owned by the caller in state
  Composing, with capabilities UpdateProperties, CancelReply and Send, and
  an email_object prefilled from the inbound (to, from, subject with "Re: "
  or "Fwd: ", the body quoted). The caller is told with a StatusChange that
  carries the request's referenceId; the inbound stays Processing. PUT
  /interactions/{id} edits the outbound; Send sends it (Completed), and
  CancelReply (or Cancel) discards it (Canceled).

  Background:
    Given alice and bob are listening
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward

  @B7.12 @B7.13 @B7.14 @B3.3 @B4.18
  Scenario: Reply creates an outbound email, prefilled, that the agent composes
    When alice replies to it
    Then alice's last notification matches:
      """
      {"ownerId": "{{alice.id}}", "participants": [{"userId": "{{alice.id}}", "role": "Owner"}]}
      """
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {
        "statusCode": 0,
        "interaction": {
          "id": "{{reply}}",
          "uri": "{{reply.uri}}",
          "channel": "email",
          "interactionType": "Outbound",
          "interactionSubType": "OutboundReply",
          "parentId": "{{it}}",
          "state": "Composing",
          "receivedDate": "{{string}}",
          "email_object": {
            "to": "jane.doe@example.com",
            "from": "support@example.com",
            "subject": "{{regex:^Re: ?Order 1042 arrived damaged$}}",
            "body": "{{regex:The box was crushed\\.}}"
          }
        }
      }
      """
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And alice has 2 interactions
    And alice has it among her interactions
    When the variable it is "{{reply}}"
    And the variable it.uri is "{{reply.uri}}"
    Then alice has it among her interactions
    And admin sees it among the contact center's interactions

  @B7.12 @B7.13
  Scenario: ReplyAll keeps the copies
    Given an interaction arrives with:
      """
      {
        "channel": "email",
        "agent": "{{alice.userName}}",
        "email_object": {
          "subject": "Re: Order 1042",
          "from": "jane.doe@example.com",
          "to": "support@example.com",
          "cc": ["ops@example.com"],
          "body": "Line one\nLine two"
        }
      }
      """
    And alice is notified that it is Invited
    And alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And alice replies to all
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {
        "interaction": {
          "interactionSubType": "OutboundReply",
          "parentId": "{{it}}",
          "email_object": {
            "to": "jane.doe@example.com",
            "cc": ["ops@example.com"],
            "subject": "{{regex:^Re:.*Order 1042$}}",
            "body": "{{regex:Line one(?s:.*)Line two}}"
          }
        }
      }
      """
    And no one else is notified

  @B7.12 @B7.13
  Scenario: ReplyAll to an email without copies gives the reply none
    When alice replies to all
    Then no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {"interaction": {"interactionSubType": "OutboundReply", "parentId": "{{it}}", "email_object": {"to": "jane.doe@example.com", "cc": "{{absent}}"}}}
      """

  @B7.12 @B7.13
  Scenario: Reply to an inbound email that names no recipient still creates the outbound email
    Given an interaction arrives with:
      """
      {"channel": "email", "agent": "{{alice.userName}}", "email_object": {"subject": "s", "from": "a@example.com"}}
      """
    And alice is notified that it is Invited
    And alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    When alice replies to it
    Then alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {"interaction": {"parentId": "{{it}}", "email_object": {"to": "a@example.com", "subject": "{{regex:^Re: ?s$}}"}}}
      """
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And no one else is notified

  @B7.12 @B7.13
  Scenario: Forward creates an outbound email to the given address
    When alice forwards it to "claims@example.com"
    Then no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {
        "interaction": {
          "interactionType": "Outbound",
          "interactionSubType": "OutboundNew",
          "parentId": "{{it}}",
          "state": "Composing",
          "email_object": {
            "to": "claims@example.com",
            "subject": "{{regex:^Fwd: ?Order 1042 arrived damaged$}}",
            "body": "{{regex:The box was crushed\\.}}"
          }
        }
      }
      """

  @B7.12 @B7.13 @B4.16
  Scenario: Forward to several addresses
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Forward", "to": ["claims@example.com", "legal@example.com"]}
      """
    Then alice's request succeeds
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{capture:reply}}", "parentId": "{{it}}", "state": "Composing", "interactionSubType": "OutboundNew"}
      """
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {"interaction": {"email_object": {"to": ["claims@example.com", "legal@example.com"]}}}
      """

  @B7.14 @B4.21
  Scenario: The agent edits the reply before sending it
    Given alice replies to it
    When alice sends PUT /api/v2/interactions/{{reply}} with:
      """
      {"email_object": {"subject": "Re: Order 1042", "body": "A new parcel is on its way.", "cc": ["ops@example.com"]}}
      """
    Then alice's request succeeds
    And alice receives on /v2/me/interactions:
      """
      {
        "notificationType": "ChannelDataUpdated",
        "id": "{{reply}}",
        "email_object": {"to": "jane.doe@example.com", "subject": "Re: Order 1042", "body": "A new parcel is on its way.", "cc": ["ops@example.com"]}
      }
      """
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

  @mock
  @B7.15
  Scenario: Send completes the reply and puts it in the outbox
    Given alice replies to it
    When alice sends the reply
    Then alice is notified that the reply is Completed
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And the outbox holds an email to "jane.doe@example.com"
    And the response matches:
      """
      {
        "emails": [
          {
            "id": "{{reply}}",
            "parentId": "{{it}}",
            "from": "support@example.com",
            "subject": "Re: Order 1042 arrived damaged",
            "body": "{{regex:> The box was crushed\\.}}",
            "sentDate": "{{string}}",
            "agentId": "{{alice.id}}"
          }
        ]
      }
      """
    And alice has 1 interaction
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward

  @B7.15 @B4.17
  Scenario: A reply without a recipient is not sent
    Given alice replies to it
    And alice sends PUT /api/v2/interactions/{{reply}} with:
      """
      {"email_object": {"to": []}}
      """
    And alice's request succeeds
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "ChannelDataUpdated", "id": "{{reply}}", "email_object": {"to": []}}
      """
    When alice tries to send the reply
    Then the request is refused with status 400, naming "to"
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

  @B7.15 @B4.17
  Scenario: A reply whose only recipient is an empty address is not sent
    Given alice replies to it
    And alice sends PUT /api/v2/interactions/{{reply}} with:
      """
      {"email_object": {"to": [""]}}
      """
    And alice's request succeeds
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "ChannelDataUpdated", "id": "{{reply}}", "email_object": {"to": [""]}}
      """
    When alice tries to send the reply
    Then the request is refused with status 400, naming "to"
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

  @B7.16 @B4.2 @B4.3
  Scenario Outline: The agent discards the reply (<operation>)
    Given alice replies to it
    When alice sends POST /api/v2/me/interactions/{{reply}} with:
      """
      {"operationName": "<operation>"}
      """
    Then alice's request succeeds
    And alice is notified that the reply is Canceled
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice has 1 interaction
    And alice sees the reply as Completed with capability set none
    And bob sees the reply as Completed with capability set none

    Examples:
      | operation   |
      | CancelReply |
      | Cancel      |

  @mock
  @B7.16
  Scenario: A discarded reply never reaches the outbox
    Given alice replies to it
    When alice cancels the reply
    Then alice is notified that the reply is Canceled
    And the outbox is empty

  @B7.14 @B7.17
  Scenario Outline: An outbound email cannot be answered (<operation>)
    Given alice replies to it
    When alice sends POST /api/v2/me/interactions/{{reply}} with:
      """
      <body>
      """
    Then the request is refused with status 400
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

    Examples:
      | operation | body                                                         |
      | Reply     | {"operationName": "Reply"}                                   |
      | ReplyAll  | {"operationName": "ReplyAll"}                                |
      | Forward   | {"operationName": "Forward", "to": "claims@example.com"}     |

  @B7.14 @B4.15 @B4.17
  Scenario Outline: An outbound email being composed can only be edited, sent or discarded (<operation>)
    Given alice replies to it
    When alice sends POST /api/v2/me/interactions/{{reply}} with:
      """
      <body>
      """
    Then the request is refused with status 409
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

    Examples:
      | operation       | body                                                                                 |
      | StopProcessing  | {"operationName": "StopProcessing"}                                                  |
      | PlaceInQueue    | {"operationName": "PlaceInQueue", "queue": "{{queues.email-inbound}}"}               |
      | PlaceInWorkbin  | {"operationName": "PlaceInWorkbin", "workbin": "{{workbins.alice-workbin.id}}"}      |
      | Transfer        | {"operationName": "Transfer", "targetId": "{{bob.id}}"}                              |
      | StartConference | {"operationName": "StartConference", "agentId": "{{bob.id}}"}                        |

  @B7.12 @B7.17 @B4.17
  Scenario Outline: Forward needs one address or a list of addresses (<case>)
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      <body>
      """
    Then the request is refused with status 400, naming "to"
    And no one else is notified
    And alice has 1 interaction

    Examples:
      | case         | body                                     |
      | missing      | {"operationName": "Forward"}             |
      | empty        | {"operationName": "Forward", "to": ""}   |
      | empty list   | {"operationName": "Forward", "to": []}   |
      | a number     | {"operationName": "Forward", "to": 42}   |

  @B7.17 @B7.14
  Scenario: Only the owner replies, sends or discards
    Given alice replies to it
    When bob tries to reply to it
    Then the request is refused with status 403
    When bob tries to forward it to "bob@example.com"
    Then the request is refused with status 403
    When bob tries to send the reply
    Then the request is refused with status 403
    When bob tries to cancel the reply
    Then the request is refused with status 403
    And no one else is notified
    And alice sees the reply as Composing with capability set UpdateProperties, CancelReply and Send

  @B7.17 @B7.12 @B7.16 @B4.17
  Scenario Outline: Send and CancelReply apply only to an outbound email (<operation>)
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "<operation>"}
      """
    Then the request is refused with status 400
    And no one else is notified
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward

    Examples:
      | operation   |
      | Send        |
      | CancelReply |
      | Cancel      |

  @B7.17 @B7.10
  Scenario: A chat cannot be replied to
    Given a chat is routed to bob
    And bob accepts it
    And bob is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And bob receives the chat history with 3 events
    When bob tries to reply to all
    Then the request is refused with status 400
    And no one else is notified

  @B7.15 @B4.2 @B4.3 @B4.16 @B4.20
  Scenario: Send completes the reply: it leaves the agent's interactions, a reader sees it Completed, the inbound stays
    Given the variable inbound is "{{it}}"
    And the variable inbound.uri is "{{it.uri}}"
    And alice replies to it
    When alice sends the reply
    Then alice is notified that the reply is Completed
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {"interaction": {"id": "{{reply}}", "parentId": "{{inbound}}", "state": "Completed", "capabilities": [], "email_object": {"to": "jane.doe@example.com"}}}
      """
    When the variable it is "{{reply}}"
    And the variable it.uri is "{{reply.uri}}"
    Then alice no longer has it among her interactions
    And admin does not see it among the contact center's interactions
    When the variable it is "{{inbound}}"
    And the variable it.uri is "{{inbound.uri}}"
    Then alice has it among her interactions
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward

  @B7.12 @B7.13 @B3.3 @B4.8
  Scenario: The outbound email has its own copy of the inbound's user data; the inbound keeps its data and state
    Given an interaction arrives with:
      """
      {
        "channel": "email",
        "agent": "{{alice.userName}}",
        "userData": {"customerId": "C-2077", "tags": ["vip"]},
        "email_object": {"subject": "Order 1042 arrived damaged", "from": "jane.doe@example.com", "to": ["support@example.com", "sales@example.com"], "body": "The box was crushed."}
      }
      """
    And alice is notified that it is Invited
    And alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And the variable inbound is "{{it}}"
    When alice forwards it to "claims@example.com"
    Then alice's last notification matches:
      """
      {
        "channel": "email",
        "ownerId": "{{alice.id}}",
        "receivedDate": "{{string}}",
        "userData": {"customerId": "C-2077", "tags": ["vip"]},
        "email_object": {"interactionId": "{{reply}}", "from": "support@example.com", "to": "claims@example.com", "subject": "{{regex:^Fwd: ?Order 1042 arrived damaged$}}", "body": "{{regex:The box was crushed\\.}}"}
      }
      """
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {"interaction": {"id": "{{reply}}", "ownerId": "{{alice.id}}", "userData": {"customerId": "C-2077", "tags": ["vip"]}, "email_object": {"interactionId": "{{reply}}", "from": "support@example.com", "to": "claims@example.com"}}}
      """
    When the variable it is "{{reply}}"
    And alice updates its properties with:
      """
      {"customerId": "C-9", "tags": null}
      """
    Then alice is notified that its properties are now:
      """
      {"customerId": "C-9", "tags": "{{absent}}"}
      """
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{inbound}}
    Then the response matches:
      """
      {
        "interaction": {
          "id": "{{inbound}}",
          "interactionType": "Inbound",
          "parentId": "{{absent}}",
          "state": "Processing",
          "ownerId": "{{alice.id}}",
          "userData": {"customerId": "C-2077", "tags": ["vip"]},
          "email_object": {"interactionId": "{{inbound}}", "subject": "Order 1042 arrived damaged", "from": "jane.doe@example.com", "to": ["support@example.com", "sales@example.com"], "body": "The box was crushed."}
        }
      }
      """

  @B7.17 @B4.15 @B4.17
  Scenario: Email operations on an interaction that does not exist, then on a completed one, are refused in that order
    When alice sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      {"operationName": "Reply"}
      """
    Then the request is refused with status 404
    Given alice replies to it
    And alice sends the reply
    And alice is notified that the reply is Completed
    When bob tries to send the reply
    Then the request is refused with status 409
    When bob tries to cancel the reply
    Then the request is refused with status 409
    When alice tries to cancel the reply
    Then the request is refused with status 409
    And no one else is notified
    When alice stops processing it
    Then alice is notified that it is Completed
    When bob tries to reply to it
    Then the request is refused with status 409
    When bob tries to forward it to "bob@example.com"
    Then the request is refused with status 409
    And no one else is notified

  @mock @B7.13
  Scenario: gwsmock's reply text: "Re: " once, the start line with the date and sender, every line quoted
    Given an interaction arrives with:
      """
      {
        "channel": "email",
        "agent": "{{alice.userName}}",
        "email_object": {"subject": "RE: Order 1042", "from": "jane.doe@example.com", "to": "support@example.com", "body": "Line one\nLine two"}
      }
      """
    And alice is notified that it is Invited
    And alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And alice sends GET /api/v2/interactions/{{it}}
    And the response field interaction.receivedDate is saved as received
    When alice replies to it
    Then no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {"interaction": {"email_object": {"subject": "RE: Order 1042", "body": "On {{received}}, jane.doe@example.com wrote:\n> Line one\n> Line two"}}}
      """

  @mock @B7.13
  Scenario: gwsmock's forward text: "Fwd: " once, a forwarded-message header, the body as it was
    Given an interaction arrives with:
      """
      {
        "channel": "email",
        "agent": "{{alice.userName}}",
        "email_object": {"subject": "Fw: Order 1042", "from": "jane.doe@example.com", "to": "support@example.com", "body": "Line one\nLine two"}
      }
      """
    And alice is notified that it is Invited
    And alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And alice sends GET /api/v2/interactions/{{it}}
    And the response field interaction.receivedDate is saved as received
    When alice forwards it to "claims@example.com"
    Then no one else is notified
    When alice sends GET /api/v2/interactions/{{reply}}
    Then the response matches:
      """
      {"interaction": {"email_object": {"subject": "Fw: Order 1042", "body": "---------- Forwarded message ----------\nFrom: jane.doe@example.com\nDate: {{received}}\nSubject: Fw: Order 1042\nTo: support@example.com\n\nLine one\nLine two"}}}
      """
